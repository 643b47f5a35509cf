import SQLite

extension SQLiteImageRepository {
    /// The count and the page in one read transaction. A page of an indexed ordering whose count comes from the
    /// counter table is a recent snapshot (`Database.readRecentSnapshot`: on the caller's thread), as point reads are, unless it needs more
    /// boundaries than `shortReadBoundaries` computed first or a long skip; then, like every other listing, it runs
    /// on a reader thread.
    public func list(_ query: ImageQuery) async throws -> ImagePage {
        try await ImagePage.read(query, listPage)
    }

    private func listPage(_ query: ImageQuery) async throws -> ImagePage {
        let sql = try ImageListSQL(query)
        let cache = listBoundaries
        let isShort = sql.isIndexedPage && (query.limit ?? .max) <= Self.shortReadMaxRows
        if isShort {
            do {
                return try await database.readRecentSnapshot { connection in
                    try Self.page(
                        ListPageReader(
                            session: SQLiteStoreSession(connection), sql: sql, cache: cache,
                            budget: Self.shortReadBoundaries)
                    )
                }
            } catch is ListPageLongRead {}
        }
        return try await database.readSnapshot { connection in
            try Self.page(
                ListPageReader(session: SQLiteStoreSession(connection), sql: sql, cache: cache, budget: nil))
        }
    }

    /// The reader's page; a query past one of SQLite's limits on a statement's shape is the query's fault.
    private static func page(_ reader: ListPageReader<SQLiteStoreSession>) throws -> ImagePage {
        do {
            return try reader.page()
        } catch let error as SQLiteError where error.isQueryShapeLimit {
            throw ImageStoreError.invalidQuery(error.message)
        }
    }

    public func imagesGeneration() async throws -> Int64 {
        try await database.readRecentSnapshot { try ListPageReader.generation(SQLiteStoreSession($0)) }
    }

    /// The largest page read on the caller's thread.
    static let shortReadMaxRows = 100
    /// The most page boundaries a read on the caller's thread computes (each walks `interval` index entries).
    static let shortReadBoundaries = 4

    /// How many list page boundaries are cached, over every query shape (for diagnostics and tests).
    public var cachedListBoundaryCount: Int { listBoundaries.boundaryCount }
}
