import Foundation
import ImageStore
import SQLite
import TestSupport
import Testing

@testable import ImagesAPI

/// `ImageWaiters` over a real repository: the check made when a wait is registered, and what a failed read does.
@Suite struct ImageWaitersTests {
    /// More waiters than one read takes (``ImageWaiters/readChunk``), each registered after another process finished
    /// its image: no change feed names those images and the poll is far off, so only the check made at registration
    /// can answer them. It reads the images of a burst together and sees the other process's commits.
    @Test func aBurstOfWaitersForImagesAnotherProcessFinishedIsAnsweredByTheRegistrationCheck() async throws {
        try await running(try await ServiceFixture.start(logger: quietLogger("waiters-tests"))) { fixture in
            let count = ImageWaiters.readChunk + 100
            var ids: [UUID] = []
            for index in 0..<count {
                let now = Date()
                let record = ImageRecord(
                    cloudflareID: "burst-\(index)", owner: "alice", uploadURL: "u", createdAt: now,
                    expiresAt: now.addingTimeInterval(1800))
                ids.append(try await fixture.repository.insert(record, log: LogEvent("upload_url_created")).id)
            }
            let other = try fixture.otherProcessRepository()
            for id in ids {
                _ = try await other.transition(
                    .id(id), owner: nil, to: .uploaded(.init(uploadedAt: Date())), log: LogEvent("uploaded elsewhere"))
            }
            let waiters = ImageWaiters(repository: fixture.repository, pollInterval: .seconds(30))
            let outcomes = LockedBox<[UUID: ImageWaiters.Outcome]>([:])
            for (index, id) in ids.enumerated() {
                // One of them in another owner's scope: the image is not there for that caller.
                let owner = index == 0 ? "bob" : "alice"
                waiters.park(for: id, owner: owner, goal: .uploaded, timeout: .seconds(60)) { outcome in
                    outcomes.update { $0[id] = outcome }
                }
            }
            let deadline = ContinuousClock.now + .seconds(20)
            while outcomes.current.count < count, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            let answered = outcomes.current
            #expect(answered.count == count)
            #expect(waiters.count == 0)
            for (index, id) in ids.enumerated() {
                switch answered[id] {
                case .reached(let record)?:
                    #expect(index != 0 && record.status == .uploaded && record.id == id)
                case .gone?: #expect(index == 0)
                default: Issue.record("image \(index): \(String(describing: answered[id]))")
                }
            }
        }
    }

    /// A read that fails (here: the database is closed) says nothing about the image. The wait stays until its
    /// time runs out, rather than being answered as if the image were deleted (a 404 to the client).
    @Test func aFailedReadLeavesTheWaitToItsDeadline() async throws {
        let directory = try makeTemporaryDirectory(prefix: "waiters-tests-")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try Database(path: directory + "/cfimages.sqlite", readerCount: 1)
        try await Migrator(directory: TestPaths.migrations, database: database).apply()
        let repository = SQLiteImageRepository(database: database)
        let now = Date()
        let image = try await repository.insert(
            ImageRecord(cloudflareID: "closed", owner: "alice", uploadURL: "u", createdAt: now, expiresAt: now),
            log: LogEvent("upload_url_created"))
        database.close()
        let waiters = ImageWaiters(repository: repository, pollInterval: .milliseconds(50))
        let started = ContinuousClock.now
        let outcome = await waiters.wait(for: image.id, owner: nil, goal: .uploaded, timeout: .milliseconds(600))
        guard case .timedOut = outcome else {
            Issue.record("\(outcome)")
            return
        }
        #expect(ContinuousClock.now - started >= .milliseconds(600))
    }
}
