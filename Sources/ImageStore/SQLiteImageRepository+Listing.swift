import SQLite

extension SQLiteImageRepository {
    public func list(_ query: ImageQuery) async throws -> ImagePage {
        let sql = try ImageListSQL(query)
        return try await database.read { connection in
            let count = Int(try connection.scalar(sql.countSQL, sql.bindings)?.int64Value ?? 0)
            guard query.limit != 0, query.offset < count else { return ImagePage(count: count, items: []) }
            let items = try connection.query(sql.pageSQL, sql.pageBindings, map: ImageSQL.decode)
            return ImagePage(count: count, items: items)
        }
    }
}
