import Foundation
import ImageStore
import SQLite
import TestSupport
import Testing

/// The ledger `cfimages import` keeps of the lines it imported.
struct ImportLedgerTests {
    @Test(arguments: RepositoryBackend.all) func importedImageAndLedgerEntryAreStoredTogether(
        _ backend: RepositoryBackend
    ) async throws {
        let store = try await BackendStore(backend)
        let repo = store.repository
        let image = ImageRecord.sample("imp-1", status: .uploaded)
        let stored = try await repo.insertImported(
            image, log: LogEvent("image_imported"), lineHash: "h1", source: "/tmp/list.txt", lineNumber: 3)
        #expect(stored.cloudflareID == "imp-1")
        #expect(try await repo.logs(imageID: stored.id, limit: nil).map(\.eventType) == ["image_imported"])

        let found = try await repo.importedLines(hashes: ["h1", "h2"])
        #expect(found.count == 1)
        let entry = try #require(found["h1"])
        #expect(entry.imageID == stored.id && entry.cloudflareID == "imp-1" && entry.source == "/tmp/list.txt")
        #expect(entry.lineNumber == 3 && entry.importedAt == store.clock.now)
        #expect(try await repo.importedLines(hashes: []).isEmpty)
    }

    @Test(arguments: RepositoryBackend.all) func aDuplicateLineOrImageWritesNothing(
        _ backend: RepositoryBackend
    ) async throws {
        let store = try await BackendStore(backend)
        let repo = store.repository
        _ = try await repo.insertImported(
            .sample("imp-1", status: .uploaded), log: LogEvent("image_imported"), lineHash: "h1", source: "f",
            lineNumber: 1)
        await #expect(throws: ImageStoreError.duplicateImportLine("h1")) {
            _ = try await repo.insertImported(
                .sample("imp-2", status: .uploaded), log: LogEvent("image_imported"), lineHash: "h1", source: "f",
                lineNumber: 2)
        }
        #expect(try await repo.image(.cloudflareID("imp-2"), owner: nil) == nil)
        await #expect(throws: ImageStoreError.duplicateCloudflareID("imp-1")) {
            _ = try await repo.insertImported(
                .sample("imp-1", status: .uploaded), log: LogEvent("image_imported"), lineHash: "h3", source: "f",
                lineNumber: 3)
        }
        #expect(try await repo.importedLines(hashes: ["h3"]).isEmpty)
    }

    @Test(arguments: RepositoryBackend.all) func deletingTheImageMakesTheLineImportableAgain(
        _ backend: RepositoryBackend
    ) async throws {
        let store = try await BackendStore(backend)
        let repo = store.repository
        let stored = try await repo.insertImported(
            .sample("imp-1", status: .uploaded), log: LogEvent("image_imported"), lineHash: "h1", source: "f",
            lineNumber: 1)
        #expect(try await repo.delete(.id(stored.id), owner: nil))
        #expect(try await repo.importedLines(hashes: ["h1"]).isEmpty)
    }
}
