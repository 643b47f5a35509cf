import Foundation
import SQLite

/// Reads the count and one page of a listing on one connection of either backend, inside the caller's read
/// transaction (a snapshot).
///
/// Pages before the first boundary use `LIMIT ? OFFSET ?`. Deeper pages seek from the nearest cached boundary
/// (computing the missing ones, each a seek of `interval` index entries from the one before) and skip at most
/// `interval - 1` rows from there. Boundaries are read and stored under the `image_generation` of the transaction's
/// snapshot, so they are never used against rows that changed since.
struct ListPageReader<Session: StoreSession> {
    let session: Session
    let sql: ImageListSQL
    let cache: ListBoundaryCache
    /// The most boundaries this read may compute; past it, or when the page would need a long `OFFSET` walk, it
    /// throws `ListPageLongRead`. Nil: no limit.
    let budget: Int?

    func page() throws -> ImagePage {
        let query = sql.query
        let generation = try Self.generation(session)
        // Not counting: every page is taken to exist (the rows found say how far it goes).
        let count = query.countTotal ? Int(try integer(sql.countSQL, sql.bindings)) : Int.max
        if let after = query.after { return try page(after: after, count: count, generation: generation) }
        guard query.limit != 0, query.offset < count else {
            return ImagePage(count: count, items: [], generation: generation)
        }
        guard let limit = query.limit, query.offset >= cache.interval else {
            let items = try images(sql.pageSQL, sql.pageBindings)
            return ImagePage(count: count, items: items, generation: generation)
        }
        let depth = min(query.offset / cache.interval, cache.maxBoundaries)
        let skip = query.offset - depth * cache.interval
        if budget != nil, skip >= cache.interval { throw ListPageLongRead() }
        let shape = ListBoundaryCache.shape(of: query)
        var boundaries = cache.boundaries(for: shape, generation: generation)
        if boundaries.count < depth {
            if let budget, depth - boundaries.count > budget { throw ListPageLongRead() }
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
            after: boundaries[depth - 1], skip: skip, limit: limit, select: ImageSQL.columns, map: session.decodeImage)
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
        guard let limit = sql.query.limit, limit > 0,
            let boundary = try session.first(lookup, bindings, map: \.listBoundary)
        else {
            return ImagePage(count: count, items: [], generation: generation)
        }
        let items = try rows(after: boundary, skip: 0, limit: limit, select: ImageSQL.columns, map: session.decodeImage)
        return ImagePage(count: count, items: items, generation: generation)
    }

    /// The `images` change counter in the connection's current snapshot.
    static func generation(_ session: Session) throws -> Int64 {
        try session.first("SELECT generation FROM image_generation WHERE id = 1", []) { $0.int64(at: 0) } ?? 0
    }

    private func integer(_ sql: String, _ values: [SQLiteValue]) throws -> Int64 {
        try session.first(sql, values) { $0.isNull(at: 0) ? 0 : $0.int64(at: 0) } ?? 0
    }

    private func images(_ sql: String, _ values: [SQLiteValue]) throws -> [ImageRecord] {
        try query(sql, values, map: session.decodeImage)
    }

    private func query<T>(_ sql: String, _ values: [SQLiteValue], map: (Session.Row) throws -> T) throws -> [T] {
        var result: [T] = []
        try session.forEachRow(sql, values) { result.append(try map($0)) }
        return result
    }

    /// The row `interval` rows after `previous` (the row at `interval - 1` when nil), if there is one.
    private func boundary(after previous: ListBoundary?) throws -> ListBoundary? {
        guard let previous else {
            let plain = sql.orderedSQL(select: sql.boundarySelect, extra: nil)
            let bindings = sql.bindings + [.integer(1), .integer(Int64(cache.interval - 1))]
            return try session.first(plain, bindings, map: \.listBoundary)
        }
        return try rows(
            after: previous, skip: cache.interval - 1, limit: 1, select: sql.boundarySelect, map: \.listBoundary
        ).first
    }

    /// `limit` rows of the ordering starting `skip` rows after `boundary`: the rest of the boundary's run, then the
    /// next run if the page reaches into it.
    private func rows<T>(
        after boundary: ListBoundary,
        skip: Int,
        limit: Int,
        select: String,
        map: (Session.Row) throws -> T
    ) throws -> [T] {
        let runs = sql.runs
        guard var index = runs.firstIndex(of: ImageListSQL.run(of: boundary)) else { return [] }
        var condition = sql.condition(after: boundary)
        var skip = skip
        var result: [T] = []
        while true {
            let seek = sql.seek(select: select, condition, limit: limit - result.count, offset: skip)
            let found = try query(seek.sql, seek.bindings, map: map)
            result += found
            index += 1
            guard result.count < limit, index < runs.count else { return result }
            if found.isEmpty, skip > 0 {
                // The run ended within the skipped rows (fewer than `skip` of them, so counting them is cheap).
                let counting = sql.count(condition)
                skip = max(0, skip - Int(try integer(counting.sql, counting.bindings)))
            } else {
                skip = 0
            }
            condition = sql.condition(whole: runs[index])
        }
    }
}

/// Thrown by a `ListPageReader` with a budget when the page needs more work than it allows; run it again with none.
struct ListPageLongRead: Error {}

extension StoreRow {
    /// A boundary selected as `ImageListSQL.boundarySelect` (every ordering column is an integer or NULL).
    fileprivate var listBoundary: ListBoundary {
        ListBoundary(key: isNull(at: 0) ? .null : .integer(int64(at: 0)), rowid: int64(at: 1))
    }
}
