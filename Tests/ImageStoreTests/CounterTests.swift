import Foundation
import ImageStore
import SQLite
import Testing

struct CounterTests {
    /// The counter table must equal a full scan, per owner and status.
    private func expectCountersMatchScan(
        _ store: BackendStore, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let scanned = try store.texts(
            """
            SELECT owner || '|' || status || '|' || count(*) || '|' || coalesce(sum(file_size), 0) || '|' || sum(require_signed_urls)
            FROM images GROUP BY owner, status ORDER BY owner, status
            """)
        let counted = try store.texts(
            """
            SELECT owner || '|' || status || '|' || image_count || '|' || total_file_size || '|' || signed_url_count
            FROM image_counts WHERE image_count <> 0 ORDER BY owner, status
            """)
        #expect(counted == scanned, sourceLocation: sourceLocation)
        #expect(
            try store.scalar("SELECT count(*) FROM image_counts WHERE image_count < 0") == 0,
            sourceLocation: sourceLocation)
    }

    @Test(arguments: RepositoryBackend.all) func countersFollowEveryKindOfChange(
        _ backend: RepositoryBackend
    ) async throws {
        let store = try await BackendStore(backend)
        let repo = store.repository
        var generator = SystemRandomNumberGenerator()
        var ids: [UUID] = []
        for i in 0..<60 {
            let owner = ["alice", "bob", "carol"][i % 3]
            var image = ImageRecord.sample("c-\(i)", owner: owner, fileSize: i % 4 == 0 ? nil : i * 10)
            image.requireSignedURLs = i % 2 == 0
            image.status = ImageStatus.allCases[i % 5]
            ids.append(try await repo.insert(image, log: .created).id)
        }
        try expectCountersMatchScan(store)
        for step in 0..<80 {
            let id = ids[Int.random(in: 0..<ids.count, using: &generator)]
            switch step % 4 {
            case 0:
                _ = try await repo.transition(
                    .id(id), owner: nil, to: [.failed, .expired, .draft][step % 3], log: LogEvent("t"))
            case 1:
                _ = try await repo.update(
                    .id(id), owner: nil,
                    changes: ImageChanges(
                        fileSize: .some(step % 3 == 0 ? nil : step), requireSignedURLs: step % 3 == 1),
                    log: LogEvent("u"))
            case 2:
                _ = try await repo.transition(
                    .id(id), owner: nil, to: .uploaded(.init(uploadedAt: Date())), log: LogEvent("up"))
            default:
                _ = try await repo.update(
                    .id(id), owner: nil, changes: ImageChanges(filename: "f\(step)"), log: LogEvent("name"))
            }
        }
        try expectCountersMatchScan(store)
        for id in ids.prefix(25) { _ = try await repo.delete(.id(id), owner: nil) }
        let later = Date().addingTimeInterval(365 * 86_400)
        for image in try await repo.expirable(now: later, limit: 1_000).items {
            _ = try await repo.expire(image.id, expiringBefore: later, log: LogEvent("upload_expired"), owing: nil)
        }
        _ = try await repo.deleteExpired(updatedBefore: Date().addingTimeInterval(365 * 86_400 + 1))
        try expectCountersMatchScan(store)
    }

    @Test(arguments: RepositoryBackend.all) func countsForStats(_ backend: RepositoryBackend) async throws {
        let store = try await BackendStore(backend)
        let repo = store.repository
        _ = try await repo.insert(.sample("s1", fileSize: 100), log: .created)
        var uploaded = ImageRecord.sample("s2", status: .uploaded, fileSize: 50)
        uploaded.requireSignedURLs = false
        _ = try await repo.insert(uploaded, log: .created)
        _ = try await repo.insert(.sample("s3", owner: "bob", status: .failed, fileSize: 7), log: .created)
        let alice = try await repo.counts(owner: "alice")
        #expect(alice.total == 2)
        #expect(alice.count(.pending) == 1 && alice.count(.uploaded) == 1 && alice.count(.failed) == 0)
        #expect(alice.totalFileSize == 150)
        #expect(alice.signedURLCount == 1)
        let everyone = try await repo.counts(owner: nil)
        #expect(everyone.total == 3 && everyone.totalFileSize == 157 && everyone.count(.failed) == 1)
        #expect(try await repo.counts(owner: "nobody") == ImageCounts())
        // The list count uses the counters for owner/status-only queries; it must agree with a scan.
        #expect(try await repo.list(ImageQuery(owner: "alice", status: .pending)).count == 1)
        #expect(try await repo.list(ImageQuery(status: .failed)).count == 1)
    }
}
