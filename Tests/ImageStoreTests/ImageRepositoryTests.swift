import Foundation
import ImageStore
import JSON
import SQLite
import TestSupport
import Testing

struct ImageRepositoryTests {
    @Test(arguments: RepositoryBackend.all) func insertThenFetchByEitherKeyWithOwnerScoping(
        _ backend: RepositoryBackend
    ) async throws {
        let store = try await BackendStore(backend)
        let repo = store.repository
        let image = ImageRecord.sample(
            "cf-1", createdAt: Date(timeIntervalSince1970: 1_750_000_000.123456789),
            metadata: ["a": "b", "n": 3, "nested": ["x": [true, .null, 1.5]]])
        let stored = try await repo.insert(image, log: .created)
        #expect(stored.createdAt.timeIntervalSince1970 == 1_750_000_000.123457)
        #expect(try await repo.image(.id(image.id), owner: nil) == stored)
        #expect(try await repo.image(.id(image.id), owner: "alice") == stored)
        #expect(try await repo.image(.cloudflareID("cf-1"), owner: "alice") == stored)
        #expect(try await repo.image(.id(image.id), owner: "bob") == nil)
        #expect(try await repo.image(.cloudflareID("cf-1"), owner: "bob") == nil)
        #expect(try await repo.image(.cloudflareID("nope"), owner: nil) == nil)
        let logs = try await repo.logs(imageID: image.id, limit: nil)
        #expect(logs.map(\.eventType) == ["upload_url_created"])
        #expect(logs.first?.timestamp == store.clock.now)
    }

    @Test(arguments: RepositoryBackend.all) func duplicateCloudflareIDIsTypedAndWritesNothing(
        _ backend: RepositoryBackend
    ) async throws {
        let store = try await BackendStore(backend)
        _ = try await store.repository.insert(.sample("dup"), log: .created)
        let second = ImageRecord.sample("dup", owner: "bob")
        await #expect(throws: ImageStoreError.duplicateCloudflareID("dup")) {
            try await store.repository.insert(second, log: .created)
        }
        #expect(try store.scalar("SELECT count(*) FROM images") == 1)
        #expect(try store.scalar("SELECT count(*) FROM image_upload_logs") == 1)
        #expect(try await store.repository.counts(owner: "bob").total == 0)
    }

    @Test(arguments: RepositoryBackend.all) func updateWritesChangesAndLogInOneTransaction(
        _ backend: RepositoryBackend
    ) async throws {
        let store = try await BackendStore(backend)
        let repo = store.repository
        let image = try await repo.insert(.sample("u1", fileSize: 10), log: .created)
        store.clock.advance(5)
        let updated = try await repo.update(
            .id(image.id), owner: "alice",
            changes: ImageChanges(originalFilename: "cat.png", fileSize: .some(nil), metadata: ["k": "v"]),
            log: LogEvent("updated", message: "edited"))
        #expect(updated?.originalFilename == "cat.png")
        #expect(updated?.fileSize == nil)
        #expect(updated?.metadata == ["k": "v"])
        #expect(updated?.updatedAt == store.clock.now)
        #expect(updated?.createdAt == image.createdAt)
        #expect(try await repo.image(.id(image.id), owner: nil) == updated)
        #expect(
            try await repo.logs(imageID: image.id, limit: nil).map(\.eventType) == ["updated", "upload_url_created"])
        #expect(try await repo.logs(imageID: image.id, limit: 1).map(\.eventType) == ["updated"])

        // Not in scope: nothing happens.
        #expect(
            try await repo.update(.id(image.id), owner: "bob", changes: ImageChanges(filename: "x"), log: .created)
                == nil)
        // A throwing body changes nothing.
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await repo.update(.id(image.id), owner: nil) { record in
                record.filename = "never"
                throw Refused()
            }
        }
        #expect(try await repo.image(.id(image.id), owner: nil)?.filename == "")
        #expect(try await repo.logs(imageID: image.id, limit: nil).count == 2)
    }

    @Test(arguments: RepositoryBackend.all) func updateToATakenCloudflareIDIsTyped(
        _ backend: RepositoryBackend
    ) async throws {
        let store = try await BackendStore(backend)
        _ = try await store.repository.insert(.sample("a"), log: .created)
        let b = try await store.repository.insert(.sample("b"), log: .created)
        await #expect(throws: ImageStoreError.duplicateCloudflareID("a")) {
            try await store.repository.update(.id(b.id), owner: nil) { record in
                record.cloudflareID = "a"
                return LogEvent("renamed")
            }
        }
    }

    @Test(arguments: RepositoryBackend.all) func statusTransitions(_ backend: RepositoryBackend) async throws {
        let store = try await BackendStore(backend)
        let repo = store.repository
        let image = try await repo.insert(.sample("t1"), log: .created)
        let uploadedAt = Date(timeIntervalSince1970: 1_750_000_100)
        let uploaded = try await repo.transition(
            .cloudflareID("t1"), owner: "alice",
            to: .uploaded(
                .init(
                    uploadedAt: uploadedAt, variants: ["https://imagedelivery.net/h/t1/public"], width: 640,
                    height: 480,
                    format: "png", cloudflareMetadata: ["source": "cf"], filename: "t1.png")),
            log: LogEvent("status_checked", message: "Image status checked: uploaded"))
        #expect(uploaded?.status == .uploaded)
        #expect(uploaded?.uploadedAt == uploadedAt)
        #expect(uploaded?.width == 640 && uploaded?.height == 480 && uploaded?.format == "png")
        #expect(uploaded?.variants.count == 1 && uploaded?.isReady == true)
        #expect(uploaded?.cloudflareMetadata == ["source": "cf"])
        #expect(uploaded?.filename == "t1.png")
        let failed = try await repo.transition(.id(image.id), owner: nil, to: .failed, log: LogEvent("failed"))
        #expect(failed?.status == .failed && failed?.width == 640)
        let expired = try await repo.transition(.id(image.id), owner: nil, to: .expired, log: LogEvent("expired"))
        #expect(expired?.status == .expired)
        #expect(
            try await repo.logs(imageID: image.id, limit: nil).map(\.eventType)
                == ["expired", "failed", "status_checked", "upload_url_created"])
    }

    @Test(arguments: RepositoryBackend.all) func deleteIsScopedAndRemovesLogs(_ backend: RepositoryBackend) async throws
    {
        let store = try await BackendStore(backend)
        let repo = store.repository
        let image = try await repo.insert(.sample("d1"), log: .created)
        _ = try await repo.insert(.sample("d2"), log: .created)
        #expect(try await !repo.delete(.id(image.id), owner: "bob"))
        #expect(try await repo.delete(.id(image.id), owner: "alice"))
        #expect(try await !repo.delete(.id(image.id), owner: nil))
        #expect(try await repo.delete(.cloudflareID("d2"), owner: nil))
        #expect(try store.scalar("SELECT count(*) FROM image_upload_logs") == 0)
    }

    @Test(arguments: RepositoryBackend.all) func lookupByLists(_ backend: RepositoryBackend) async throws {
        let store = try await BackendStore(backend)
        let repo = store.repository
        let a = try await repo.insert(.sample("la"), log: .created)
        let b = try await repo.insert(.sample("lb", owner: "bob"), log: .created)
        let byID = try await repo.images(ids: [a.id, b.id, UUID()], owner: nil)
        #expect(Set(byID.map(\.cloudflareID)) == ["la", "lb"])
        #expect(try await repo.images(ids: [a.id, b.id], owner: "bob").map(\.cloudflareID) == ["lb"])
        #expect(try await repo.images(ids: [], owner: nil).isEmpty)
        let byCF = try await repo.images(cloudflareIDs: ["la", "lb", "x'); DROP TABLE images; --"], owner: "alice")
        #expect(byCF.map(\.id) == [a.id])
    }

    @Test(arguments: RepositoryBackend.all) func appendLog(_ backend: RepositoryBackend) async throws {
        let store = try await BackendStore(backend)
        let image = try await store.repository.insert(.sample("al"), log: .created)
        store.clock.advance(1)
        #expect(try await store.repository.appendLog(imageID: image.id, LogEvent("note", data: ["x": 1])))
        #expect(try await !store.repository.appendLog(imageID: UUID(), LogEvent("note")))
        let logs = try await store.repository.logs(imageID: image.id, limit: nil)
        #expect(logs.first?.data == ["x": 1])
    }
}
