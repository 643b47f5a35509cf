import Foundation
import PostgreSQL
import SQLite

extension PostgreSQLImageRepository {
    /// The count and the page in one snapshot, with `ImageListSQL`'s filters and ordering (NULLs where SQLite puts
    /// them, ties by insertion order), so both backends list the same rows in the same order.
    public func list(_ query: ImageQuery) async throws -> ImagePage {
        guard !query.countTotal, let limit = query.limit else {
            var page = try await listPage(query)
            page.hasMore = query.limit.map { query.offset + $0 < page.count } ?? false
            return page
        }
        var probe = query
        probe.limit = limit + 1
        var page = try await listPage(probe)
        page.hasMore = page.items.count > limit
        page.items = Array(page.items.prefix(limit))
        page.count = (query.after == nil ? query.offset : 0) + page.items.count + (page.hasMore ? 1 : 0)
        return page
    }

    private func listPage(_ query: ImageQuery) async throws -> ImagePage {
        let sql = try ImageListSQL(query, dialect: .postgresql)
        return try await database.readSnapshot { session in
            let generation = try Self.generation(session)
            let count = query.countTotal ? Int(try session.scalarInt(sql.countSQL, sql.bindings) ?? 0) : Int.max
            if let after = query.after {
                return ImagePage(count: count, items: try Self.rows(session, sql, after: after), generation: generation)
            }
            guard query.limit != 0, query.offset < count else {
                return ImagePage(count: count, items: [], generation: generation)
            }
            let items = try session.query(
                sql.orderedSQL(select: ImageSQL.columns, extra: nil), sql.pageBindings, map: ImageSQL.decode)
            return ImagePage(count: count, items: items, generation: generation)
        }
    }

    /// Keyset paging: the rows after image `id` in the ordering, the rest of its run (NULL keys or not) and then
    /// the next run, as `ListPageReader` seeks on SQLite.
    private static func rows(_ session: PostgreSQLSession, _ sql: ImageListSQL, after id: UUID) throws -> [ImageRecord]
    {
        var lookup = "SELECT \(sql.column), rowid FROM images WHERE id = ?"
        var bindings: [SQLiteValue] = [ImageSQL.text(id)]
        if let owner = sql.query.owner {
            lookup += " AND owner = ?"
            bindings.append(.text(owner))
        }
        guard let limit = sql.query.limit, limit > 0,
            let boundary = try session.first(
                lookup, bindings,
                map: { row in
                    ListBoundary(
                        key: row.optionalInt64(at: 0).map(SQLiteValue.integer) ?? .null, rowid: row.int64(at: 1))
                })
        else { return [] }
        let runs = sql.runs
        guard var index = runs.firstIndex(of: ImageListSQL.run(of: boundary)) else { return [] }
        var condition = sql.condition(after: boundary)
        var result: [ImageRecord] = []
        while true {
            let seek = sql.seek(select: ImageSQL.columns, condition, limit: limit - result.count, offset: 0)
            result += try session.query(seek.sql, seek.bindings, map: ImageSQL.decode)
            index += 1
            guard result.count < limit, index < runs.count else { return result }
            condition = sql.condition(whole: runs[index])
        }
    }

    public func imagesGeneration() async throws -> Int64 {
        try await database.read { try Self.generation($0) }
    }

    static func generation(_ session: PostgreSQLSession) throws -> Int64 {
        try session.scalarInt("SELECT generation FROM image_generation WHERE id = 1") ?? 0
    }
}
