import Foundation
import ImageStore
import JSON
import SQLite
import Testing

struct ImageListingTests {
    private let base = Date(timeIntervalSince1970: 1_750_000_000)

    /// 12 images for alice (i = 0...11) and 3 for bob, with varied fields.
    private func seeded(_ backend: RepositoryBackend) async throws -> BackendStore {
        let store = try await BackendStore(backend)
        for i in 0..<12 {
            var image = ImageRecord.sample(
                "alice-\(i)", createdAt: base.addingTimeInterval(Double(i)), fileSize: (i * 7) % 5 * 100,
                filename: i % 3 == 0 ? "Holiday_\(i).JPG" : "doc\(i).png",
                metadata: [
                    "team": i % 2 == 0 ? "red" : "blue", "n": .int(Int64(i)), "flag": .bool(i == 4),
                    "nested": ["k": i == 5 ? "deep" : "other"],
                ])
            image.status = i < 4 ? .uploaded : (i < 8 ? .pending : .failed)
            image.requireSignedURLs = i % 4 != 0
            image.creator = i == 1 ? "creator-x" : ""
            if i < 4 {
                image.uploadedAt = base.addingTimeInterval(Double(100 + i))
                image.variants = ["https://imagedelivery.net/h/alice-\(i)/public"]
            }
            _ = try await store.repository.insert(image, log: .created)
        }
        for i in 0..<3 {
            _ = try await store.repository.insert(
                .sample(
                    "bob-\(i)", owner: "bob", createdAt: base.addingTimeInterval(Double(50 + i)),
                    filename: "50%_off_\(i)"),
                log: .created)
        }
        return store
    }

    private func ids(_ page: ImagePage) -> [String] { page.items.map(\.cloudflareID) }

    @Test(arguments: RepositoryBackend.all) func defaultsToNewestFirstWithCountAndPaging(
        _ backend: RepositoryBackend
    ) async throws {
        let store = try await seeded(backend)
        let repo = store.repository
        let first = try await repo.list(ImageQuery(owner: "alice", limit: 5))
        #expect(first.count == 12)
        #expect(ids(first) == ["alice-11", "alice-10", "alice-9", "alice-8", "alice-7"])
        let last = try await repo.list(ImageQuery(owner: "alice", limit: 5, offset: 10))
        #expect(ids(last) == ["alice-1", "alice-0"])
        let beyond = try await repo.list(ImageQuery(owner: "alice", limit: 5, offset: 50))
        #expect(beyond.count == 12 && beyond.items.isEmpty)
        let everyone = try await repo.list(ImageQuery(limit: nil))
        #expect(everyone.count == 15 && everyone.items.count == 15)
        #expect(ids(everyone).first == "bob-2")
        await #expect(throws: ImageStoreError.self) { try await repo.list(ImageQuery(offset: -1)) }
    }

    @Test(arguments: RepositoryBackend.all) func ordering(_ backend: RepositoryBackend) async throws {
        let store = try await seeded(backend)
        let repo = store.repository
        func order(_ parameter: String) async throws -> [String] {
            ids(
                try await repo.list(
                    ImageQuery(owner: "alice", ordering: try #require(ImageOrdering(parameter: parameter)), limit: nil))
            )
        }
        #expect(try await order("created_at").prefix(3) == ["alice-0", "alice-1", "alice-2"])
        #expect(try await order("-uploaded_at").prefix(4) == ["alice-3", "alice-2", "alice-1", "alice-0"])
        #expect(try await order("expires_at").first == "alice-0")
        let bySize = try await repo.list(
            ImageQuery(owner: "alice", ordering: ImageOrdering(.fileSize, descending: true), limit: nil))
        let sizes = bySize.items.map { $0.fileSize ?? -1 }
        #expect(sizes == sizes.sorted(by: >))
        #expect(ImageOrdering(parameter: "owner") == nil)
        #expect(ImageOrdering(parameter: "-file_size")?.parameter == "-file_size")
    }

    @Test(arguments: RepositoryBackend.all) func filters(_ backend: RepositoryBackend) async throws {
        let store = try await seeded(backend)
        let repo = store.repository
        func count(_ query: ImageQuery) async throws -> Int { try await repo.list(query).count }
        #expect(try await count(ImageQuery(owner: "alice", status: .uploaded)) == 4)
        #expect(try await count(ImageQuery(status: .pending)) == 4 + 3)
        #expect(try await count(ImageQuery(owner: "alice", uploadedAfter: base.addingTimeInterval(102))) == 2)
        #expect(try await count(ImageQuery(owner: "alice", uploadedBefore: base.addingTimeInterval(101))) == 2)
        #expect(try await count(ImageQuery(owner: "alice", hasVariants: true)) == 4)
        #expect(try await count(ImageQuery(owner: "alice", hasVariants: false)) == 8)
        #expect(try await count(ImageQuery(owner: "alice", requireSignedURLs: false)) == 3)
        #expect(try await count(ImageQuery(owner: "alice", filename: "holiday")) == 4)
        #expect(try await count(ImageQuery(filename: "50%")) == 3)
        #expect(try await count(ImageQuery(filename: "0%")) == 3)
        #expect(try await count(ImageQuery(filename: "_")) == 7)
        #expect(try await count(ImageQuery(creator: "creator-x")) == 1)
        #expect(try await count(ImageQuery(status: .uploaded, hasVariants: true, requireSignedURLs: true)) == 3)
    }

    @Test(arguments: RepositoryBackend.all) func metadataFilters(_ backend: RepositoryBackend) async throws {
        let store = try await seeded(backend)
        let repo = store.repository
        func count(_ filters: [MetadataFilter]) async throws -> Int {
            try await repo.list(ImageQuery(owner: "alice", metadata: filters)).count
        }
        #expect(try await count([MetadataFilter(key: "team", value: "red")]) == 6)
        #expect(
            try await count([MetadataFilter(key: "team", value: "red"), MetadataFilter(key: "n", value: "4")]) == 1)
        #expect(try await count([MetadataFilter(key: "flag", value: "true")]) == 1)
        #expect(try await count([MetadataFilter(key: "flag", value: "false")]) == 11)
        #expect(try await count([MetadataFilter(key: "nested__k", value: "deep")]) == 1)
        #expect(try await count([MetadataFilter(key: "missing", value: "x")]) == 0)
        await #expect(throws: ImageStoreError.self) { try await count([MetadataFilter(key: "bad\"key", value: "x")]) }
        await #expect(throws: ImageStoreError.self) { try await count([MetadataFilter(path: [], value: "x")]) }
    }

    @Test(arguments: RepositoryBackend.all) func searchMatchesEveryTermAcrossFields(
        _ backend: RepositoryBackend
    ) async throws {
        let store = try await seeded(backend)
        let repo = store.repository
        #expect(try await repo.list(ImageQuery(search: "bob-1")).count == 1)
        #expect(try await repo.list(ImageQuery(owner: "alice", search: "HOLIDAY jpg")).count == 4)
        #expect(try await repo.list(ImageQuery(search: "creator-x")).count == 1)
        #expect(try await repo.list(ImageQuery(search: "holiday png")).count == 0)
        #expect(try await repo.list(ImageQuery(search: "   ")).count == 15)
    }
}
