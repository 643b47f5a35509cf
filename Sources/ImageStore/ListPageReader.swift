import Foundation
import SQLite

/// Reads the count and one page of a listing on one connection, inside the caller's read transaction.
///
/// Pages before the first boundary use `LIMIT ? OFFSET ?`. Deeper pages seek from the nearest cached boundary
/// (computing the missing ones, each a seek of `interval` index entries from the one before) and skip at most
/// `interval - 1` rows from there. Boundaries are read and stored under the `image_generation` of the transaction's
/// snapshot, so they are never used against rows that changed since.
struct ListPageReader {
    let connection: Connection
    let sql: ImageListSQL
    let cache: ListBoundaryCache
    /// The most boundaries this read may compute; past it, or when the page would need a long `OFFSET` walk, it
    /// throws `ListPageReader.LongRead`. Nil: no limit.
    let budget: Int?

    /// Thrown when the page needs more work than `budget` allows; run it again with no budget.
    struct LongRead: Error {}

    func page() throws -> ImagePage {
        let query = sql.query
        let generation = try Self.generation(connection)
        // Not counting: every page is taken to exist (the rows found say how far it goes).
        let count = query.countTotal ? Int(try connection.scalar(sql.countSQL, sql.bindings)?.int64Value ?? 0) : Int.max
        if let after = query.after { return try page(after: after, count: count, generation: generation) }
        guard query.limit != 0, query.offset < count else {
            return ImagePage(count: count, items: [], generation: generation)
        }
        guard let limit = query.limit, query.offset >= cache.interval else {
            let items = try connection.query(sql.pageSQL, sql.pageBindings, map: ImageSQL.decode)
            return ImagePage(count: count, items: items, generation: generation)
        }
        let depth = min(query.offset / cache.interval, cache.maxBoundaries)
        let skip = query.offset - depth * cache.interval
        if budget != nil, skip >= cache.interval { throw LongRead() }
        let shape = ListBoundaryCache.shape(of: query)
        var boundaries = cache.boundaries(for: shape, generation: generation)
        if boundaries.count < depth {
            if let budget, depth - boundaries.count > budget { throw LongRead() }
            while boundaries.count < depth {
                // The count says the row exists; if it does not (a count table out of step), serve no rows.
                guard let next = try boundary(after: boundaries.last) else {
                    return ImagePage(count: count, items: [], generation: generation)
                }
                boundaries.append(next)
            }
            cache.store(boundaries, for: shape, generation: generation)
        }
        let items = try rows(
            after: boundaries[depth - 1], skip: skip, limit: limit, select: ImageSQL.columns, map: ImageSQL.decode)
        return ImagePage(count: count, items: items, generation: generation)
    }

    /// The rows after image `id` (keyset paging): its sort key and rowid are the boundary, in the query's scope.
    private func page(after id: UUID, count: Int, generation: Int64) throws -> ImagePage {
        var lookup = "SELECT \(sql.column), rowid FROM images WHERE id = ?"
        var bindings: [SQLiteValue] = [ImageSQL.text(id)]
        if let owner = sql.query.owner {
            lookup += " AND owner = ?"
            bindings.append(.text(owner))
        }
        let decode = { (row: Statement) in ListBoundary(key: row.value(at: 0), rowid: row.int64(at: 1)) }
        guard let limit = sql.query.limit, limit > 0,
            let boundary = try connection.query(lookup, bindings, map: decode).first
        else {
            return ImagePage(count: count, items: [], generation: generation)
        }
        let items = try rows(after: boundary, skip: 0, limit: limit, select: ImageSQL.columns, map: ImageSQL.decode)
        return ImagePage(count: count, items: items, generation: generation)
    }

    /// The `images` change counter in the connection's current snapshot.
    static func generation(_ connection: Connection) throws -> Int64 {
        try connection.scalar("SELECT generation FROM image_generation WHERE id = 1")?.int64Value ?? 0
    }

    /// The row `interval` rows after `previous` (the row at `interval - 1` when nil), if there is one.
    private func boundary(after previous: ListBoundary?) throws -> ListBoundary? {
        let decode = { (row: Statement) in ListBoundary(key: row.value(at: 0), rowid: row.int64(at: 1)) }
        guard let previous else {
            let plain = sql.orderedSQL(select: sql.boundarySelect, extra: nil)
            let bindings = sql.bindings + [.integer(1), .integer(Int64(cache.interval - 1))]
            return try connection.query(plain, bindings, map: decode).first
        }
        return try rows(after: previous, skip: cache.interval - 1, limit: 1, select: sql.boundarySelect, map: decode)
            .first
    }

    /// `limit` rows of the ordering starting `skip` rows after `boundary`: the rest of the boundary's run, then the
    /// next run if the page reaches into it.
    private func rows<T>(
        after boundary: ListBoundary,
        skip: Int,
        limit: Int,
        select: String,
        map: (Statement) throws -> T
    ) throws -> [T] {
        let runs = sql.runs
        guard var index = runs.firstIndex(of: ImageListSQL.run(of: boundary)) else { return [] }
        var condition = sql.condition(after: boundary)
        var skip = skip
        var result: [T] = []
        while true {
            let seek = sql.seek(select: select, condition, limit: limit - result.count, offset: skip)
            let found = try connection.query(seek.sql, seek.bindings, map: map)
            result += found
            index += 1
            guard result.count < limit, index < runs.count else { return result }
            if found.isEmpty, skip > 0 {
                // The run ended within the skipped rows (fewer than `skip` of them, so counting them is cheap).
                let counting = sql.count(condition)
                skip = max(0, skip - Int(try connection.scalar(counting.sql, counting.bindings)?.int64Value ?? 0))
            } else {
                skip = 0
            }
            condition = sql.condition(whole: runs[index])
        }
    }
}
