import Foundation
import PostgreSQL
import SQLite

extension PostgreSQLImageRepository {
    /// The count and the page in one snapshot, with `ImageListSQL`'s filters and ordering (NULLs where SQLite puts
    /// them, ties by insertion order) read by the same `ListPageReader`, so both backends list the same rows in the
    /// same order.
    public func list(_ query: ImageQuery) async throws -> ImagePage {
        try await ImagePage.read(query, listPage)
    }

    /// Deep pages seek from cached boundaries as on SQLite (`ListPageReader`), so a page's cost does not grow with its
    /// offset; the boundaries are keyed by `image_generation`, which every instance's writes bump.
    private func listPage(_ query: ImageQuery) async throws -> ImagePage {
        let sql = try ImageListSQL(query, dialect: .postgresql)
        let cache = listBoundaries
        return try await database.readSnapshot { session in
            try ListPageReader(session: PostgreSQLStoreSession(session), sql: sql, cache: cache, budget: nil).page()
        }
    }

    public func imagesGeneration() async throws -> Int64 {
        try await database.read { try ListPageReader.generation(PostgreSQLStoreSession($0)) }
    }

    /// How many list page boundaries are cached, over every query shape (for diagnostics and tests).
    public var cachedListBoundaryCount: Int { listBoundaries.boundaryCount }
}
