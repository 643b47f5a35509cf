import Foundation
import ImageStore
import SQLite
import TestSupport
import Testing

/// Deep list pages seek from cached boundaries: they must match plain `LIMIT/OFFSET` paging exactly, for every
/// ordering, direction and filter, and stay right after any write, from any connection or instance, on both backends.
struct ListSeekTests {
    /// Rows between boundaries in the seeking repository: small, so a few hundred rows cross many boundaries.
    private static let interval = 7
    private static let base: Int64 = 1_750_000_000_000_000

    private static let filters: [(String, ImageQuery)] = [
        ("everyone", ImageQuery()),
        ("owner", ImageQuery(owner: "alice")),
        ("status", ImageQuery(status: .uploaded)),
        ("owner+status", ImageQuery(owner: "alice", status: .uploaded)),
        ("owner+variants", ImageQuery(owner: "alice", hasVariants: true)),
        ("search", ImageQuery(search: "img-1")),
    ]

    private static var orderings: [ImageOrdering] {
        ImageOrdering.Field.allCases.flatMap {
            [ImageOrdering($0, descending: false), ImageOrdering($0, descending: true)]
        }
    }

    /// A repository over `store`'s database that seeks, and one that never does (the reference).
    private static func repositories(
        _ store: BackendStore
    ) -> (seeking: any ImageRepository, plain: any ImageRepository, cachedBoundaries: @Sendable () -> Int) {
        let (seeking, cached) = store.repository(listPageInterval: interval)
        return (seeking, store.repository(listPageInterval: 1 << 40).0, cached)
    }

    /// `count` rows from `first`, with many duplicate sort keys and NULLs in `uploaded_at` and `file_size`: one
    /// statement both dialects read alike.
    private static func insertSQL(from first: Int, count: Int) -> String {
        let rows = (first..<(first + count)).map { i in
            let uploaded = i % 4 != 0
            let created = base + Int64(i % 37) * 1_000
            let values: [String] = [
                "'\(UUID().uuidString.lowercased())'", "'img-\(i)'", i % 3 == 2 ? "'bob'" : "'alice'",
                "'file-\(i).png'",
                uploaded ? "'uploaded'" : "'pending'", "\(created)", "\(created)",
                uploaded ? "\(base + Int64(i % 23) * 10)" : "NULL", "\(base + Int64(i % 11))",
                i % 5 == 0 ? "NULL" : "\(Int64(i % 13) * 100)",
                i % 2 == 0 ? "'[\"https://imagedelivery.net/h/img-\(i)/public\"]'" : "'[]'",
            ]
            return "(" + values.joined(separator: ", ") + ")"
        }
        return """
            INSERT INTO images (id, cloudflare_id, owner, filename, status, created_at, updated_at, uploaded_at,
                expires_at, file_size, variants)
            VALUES \(rows.joined(separator: ",\n"))
            """
    }

    /// Inserts through a connection of its own, as another process would.
    private static func insertRows(_ store: BackendStore, from first: Int, count: Int) throws {
        try store.execute(insertSQL(from: first, count: count))
    }

    private static func insertRows(_ database: Database, from first: Int, count: Int) async throws {
        let sql = insertSQL(from: first, count: count)
        try await database.write { try $0.execute(sql, []) }
    }

    private static func seeded(_ backend: RepositoryBackend, rows: Int = 400) async throws -> BackendStore {
        let store = try await BackendStore(backend)
        try insertRows(store, from: 0, count: rows)
        return store
    }

    /// Every page of `query` (limit 13, offsets stepping by 11, in `order`) from `seeking` equals the same slice of
    /// the full plain listing.
    private static func expectSamePages(
        _ seeking: any ImageRepository,
        _ plain: any ImageRepository,
        _ query: ImageQuery,
        label: String,
        reversed: Bool = false
    ) async throws {
        var all = query
        all.limit = nil
        let reference = try await plain.list(all).items.map(\.cloudflareID)
        var offsets = Array(stride(from: 0, through: reference.count + 2, by: 11))
        if reversed { offsets.reverse() }
        for offset in offsets {
            var paged = query
            paged.limit = 13
            paged.offset = offset
            let page = try await seeking.list(paged)
            let expected = offset < reference.count ? Array(reference[offset..<min(offset + 13, reference.count)]) : []
            #expect(page.count == reference.count, "\(label) offset \(offset)")
            #expect(page.items.map(\.cloudflareID) == expected, "\(label) offset \(offset)")
        }
    }

    private static func expectAllSame(
        _ seeking: any ImageRepository, _ plain: any ImageRepository, reversed: Bool = false
    ) async throws {
        for (name, filter) in filters {
            for ordering in orderings {
                var query = filter
                query.ordering = ordering
                try await expectSamePages(
                    seeking, plain, query, label: "\(name) \(ordering.parameter)", reversed: reversed)
            }
        }
    }

    @Test(arguments: RepositoryBackend.all)
    func everyOrderingDirectionAndFilterMatchesOffsetPaging(_ backend: RepositoryBackend) async throws {
        let store = try await Self.seeded(backend)
        // The repositories hold only the database: keep the store (and its files) until the test ends.
        defer { withExtendedLifetime(store) {} }
        let (seeking, plain, cachedBoundaries) = Self.repositories(store)
        try await Self.expectAllSame(seeking, plain)
        #expect(cachedBoundaries() > 0)
        // Cold cache, deepest pages first: boundaries are computed in one go (on SQLite, on a reader thread).
        let (coldSeeking, _, _) = Self.repositories(store)
        try await Self.expectAllSame(coldSeeking, plain, reversed: true)
    }

    /// Pages that are not counted (the console's): the same rows as counted ones, `hasMore` exactly when rows follow,
    /// and `count` the offset plus the rows (one more while more follow).
    @Test(arguments: RepositoryBackend.all) func uncountedPagesMatchCountedOnes(
        _ backend: RepositoryBackend
    ) async throws {
        let store = try await Self.seeded(backend)
        defer { withExtendedLifetime(store) {} }
        let (seeking, plain, _) = Self.repositories(store)
        for (name, filter) in Self.filters {
            for ordering in [ImageOrdering(.createdAt, descending: true), ImageOrdering(.fileSize, descending: false)] {
                var all = filter
                all.ordering = ordering
                all.limit = nil
                let reference = try await plain.list(all).items.map(\.cloudflareID)
                for offset in stride(from: 0, through: reference.count + 2, by: 17) {
                    var paged = all
                    paged.limit = 13
                    paged.offset = offset
                    paged.countTotal = false
                    let page = try await seeking.list(paged)
                    let end = min(offset + 13, reference.count)
                    let expected = offset < reference.count ? Array(reference[offset..<end]) : []
                    #expect(page.items.map(\.cloudflareID) == expected, "\(name) offset \(offset)")
                    #expect(page.hasMore == (end < reference.count), "\(name) offset \(offset)")
                    #expect(page.count == offset + expected.count + (page.hasMore ? 1 : 0), "\(name) offset \(offset)")
                }
            }
        }
    }

    /// Keyset pages (`after` the last image of the page before) walk the same rows as one plain listing, for every
    /// filter, ordering and direction (a reversed ordering is how the console pages backwards).
    @Test(arguments: RepositoryBackend.all) func keysetPagesWalkTheWholeListing(
        _ backend: RepositoryBackend
    ) async throws {
        let store = try await Self.seeded(backend, rows: 150)
        defer { withExtendedLifetime(store) {} }
        let (seeking, plain, _) = Self.repositories(store)
        for (name, filter) in Self.filters {
            for ordering in Self.orderings {
                var all = filter
                all.ordering = ordering
                all.limit = nil
                let reference = try await plain.list(all).items.map(\.cloudflareID)
                var walked: [String] = []
                var query = all
                query.limit = 11
                query.countTotal = false
                while true {
                    let page = try await seeking.list(query)
                    walked += page.items.map(\.cloudflareID)
                    guard page.hasMore, let last = page.items.last else { break }
                    query.after = last.id
                    #expect(walked.count <= reference.count, "\(name) \(ordering.parameter)")
                    if walked.count > reference.count { break }
                }
                #expect(walked == reference, "\(name) \(ordering.parameter)")
            }
        }
        // Out of scope: another owner's image as the cursor gives nothing.
        let bobs = try await plain.list(ImageQuery(owner: "bob", limit: 1)).items[0]
        var alice = ImageQuery(owner: "alice", limit: 5)
        alice.after = bobs.id
        #expect(try await seeking.list(alice).items.isEmpty)
    }

    @Test(arguments: RepositoryBackend.all) func everyPageSizeAndOffsetAroundBoundaries(
        _ backend: RepositoryBackend
    ) async throws {
        let store = try await Self.seeded(backend, rows: 120)
        // The repositories hold only the database: keep the store (and its files) until the test ends.
        defer { withExtendedLifetime(store) {} }
        let (seeking, plain, _) = Self.repositories(store)
        for ordering in [ImageOrdering(.uploadedAt, descending: true), ImageOrdering(.fileSize, descending: false)] {
            let query = ImageQuery(owner: "alice", ordering: ordering, limit: nil)
            let reference = try await plain.list(query).items.map(\.cloudflareID)
            for limit in [1, 6, 7, 8, 20] {
                for offset in 0...(reference.count + 1) {
                    var paged = query
                    paged.limit = limit
                    paged.offset = offset
                    let expected =
                        offset < reference.count ? Array(reference[offset..<min(offset + limit, reference.count)]) : []
                    #expect(
                        try await seeking.list(paged).items.map(\.cloudflareID) == expected,
                        "\(ordering.parameter) limit \(limit) offset \(offset)")
                }
            }
        }
    }

    @Test(arguments: RepositoryBackend.all) func pagesFollowInsertsDeletesAndUpdates(
        _ backend: RepositoryBackend
    ) async throws {
        let store = try await Self.seeded(backend)
        // The repositories hold only the database: keep the store (and its files) until the test ends.
        defer { withExtendedLifetime(store) {} }
        let (seeking, plain, _) = Self.repositories(store)
        try await Self.expectAllSame(seeking, plain)

        try Self.insertRows(store, from: 1_000, count: 30)
        try await Self.expectAllSame(seeking, plain)

        for i in stride(from: 3, to: 200, by: 17) {
            #expect(try await store.repository.delete(.cloudflareID("img-\(i)"), owner: nil))
        }
        try await Self.expectAllSame(seeking, plain)

        for i in stride(from: 4, to: 300, by: 13) {
            let details = StatusTransition.UploadedDetails(
                uploadedAt: Date(timeIntervalSince1970: 1_750_000_000 + Double(i % 5)))
            let log = LogEvent("upload_completed")
            _ = try await store.repository.transition(
                .cloudflareID("img-\(i)"), owner: nil, to: .uploaded(details), log: log)
            _ = try await store.repository.transition(.cloudflareID("img-\(i + 1)"), owner: nil, to: .failed, log: log)
            _ = try await store.repository.update(
                .cloudflareID("img-\(i + 2)"), owner: nil, changes: ImageChanges(fileSize: .some(nil)), log: log)
        }
        try await Self.expectAllSame(seeking, plain)
    }

    @Test(arguments: RepositoryBackend.all) func writesThroughAnotherConnectionRetireTheBoundaries(
        _ backend: RepositoryBackend
    ) async throws {
        let store = try await Self.seeded(backend)
        // The repositories hold only the database: keep the store (and its files) until the test ends.
        defer { withExtendedLifetime(store) {} }
        let (seeking, plain, cachedBoundaries) = Self.repositories(store)
        try await Self.expectAllSame(seeking, plain)
        let cached = cachedBoundaries()

        // Another process (`cfimages sync`, `cfimages import`, another instance on PostgreSQL).
        let otherRepository = try store.anotherProcess()
        for i in stride(from: 0, to: 150, by: 9) {
            #expect(try await otherRepository.delete(.cloudflareID("img-\(i)"), owner: nil))
        }
        try Self.insertRows(store, from: 2_000, count: 11)
        try await Self.expectAllSame(seeking, plain)
        #expect(cached > 0)

        // An update that moves no row between filters still changes the generation.
        try store.execute("UPDATE images SET file_size = 1 WHERE cloudflare_id = 'img-1'")
        try await Self.expectAllSame(seeking, plain)
    }

    @Test func everyWriteToImagesBumpsTheGeneration() async throws {
        let store = try await TestStore()
        let inspect = try store.inspect()
        func generation() throws -> Int64? { try inspect.scalar("SELECT generation FROM image_generation")?.int64Value }
        #expect(try generation() == 0)
        let image = try await store.repository.insert(.sample("a"), log: .created)
        #expect(try generation() == 1)
        _ = try await store.repository.update(
            .id(image.id), owner: nil, changes: ImageChanges(filename: "b"), log: .created)
        #expect(try generation() == 2)
        _ = try await store.repository.appendLog(imageID: image.id, .created)
        #expect(try generation() == 2)
        #expect(try await store.repository.delete(.id(image.id), owner: nil))
        #expect(try generation() == 3)
    }

    @Test func migrationAppliesToAnExistingDatabase() async throws {
        let folder = NSTemporaryDirectory() + "migrations-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let files = try FileManager.default.contentsOfDirectory(atPath: TestPaths.migrations)
        for file in files where file.hasPrefix("0001_") || file.hasPrefix("0002_") {
            try FileManager.default.copyItem(atPath: TestPaths.migrations + "/" + file, toPath: folder + "/" + file)
        }
        let store = try await TestStore(migrate: false)
        try await Migrator(directory: folder, database: store.database).apply()
        try await Self.insertRows(store.database, from: 0, count: 100)

        let applied = try await Migrator(directory: TestPaths.migrations, database: store.database).apply()
        #expect(applied.map(\.version).first == 3)
        let seeking = SQLiteImageRepository(database: store.database, listPageInterval: Self.interval)
        let plain = SQLiteImageRepository(database: store.database, listPageInterval: 1 << 40)
        try await Self.expectSamePages(seeking, plain, ImageQuery(owner: "alice"), label: "after migration")
        try await Self.insertRows(store.database, from: 100, count: 5)
        #expect(try store.inspect().scalar("SELECT generation FROM image_generation") == .integer(5))
        try await Self.expectSamePages(seeking, plain, ImageQuery(owner: "alice"), label: "after insert")
    }
}
