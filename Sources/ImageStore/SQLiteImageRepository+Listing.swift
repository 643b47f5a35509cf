import SQLite

extension SQLiteImageRepository {
    /// The most index entries a list page may walk on the caller's thread (about a millisecond).
    static let readNowRowBudget = 25_000

    public func list(_ query: ImageQuery) async throws -> ImagePage {
        let sql = try ImageListSQL(query)
        let page: @Sendable (Connection) throws -> ImagePage = { connection in
            let count = Int(try connection.scalar(sql.countSQL, sql.bindings)?.int64Value ?? 0)
            guard query.limit != 0, query.offset < count else { return ImagePage(count: count, items: []) }
            let items = try connection.query(sql.pageSQL, sql.pageBindings, map: ImageSQL.decode)
            return ImagePage(count: count, items: items)
        }
        // Filtered by owner and status only, the count comes from the counter table and the page from an index
        // walk bounded by offset + limit: cheap enough for the caller's thread. Other filters or deep pages may
        // scan far, so they go to a reader thread.
        if sql.countableFromCounters, let limit = query.limit, query.offset + limit <= Self.readNowRowBudget {
            return try database.readNow(page)
        }
        return try await database.read(page)
    }
}
