import SQLite

/// Keyset seeks: the rows of a list ordering after a given row, as a range on the ordering's index.
extension ImageListSQL {
    /// The rows of an ordering fall into up to two runs: those whose sort key is NULL (first when ascending, since
    /// SQLite sorts NULL lowest; last when descending) and the others. A seek stays inside one run, so that its
    /// condition is a plain range on the index (a condition spanning both runs would need an `OR`, which no index
    /// serves in order).
    enum Run: Sendable {
        case nulls, values
    }

    /// The runs in list order. NOT NULL columns have only `values`.
    var runs: [Run] {
        switch query.ordering.field {
        case .createdAt, .expiresAt: [.values]
        case .uploadedAt, .fileSize: query.ordering.descending ? [.values, .nulls] : [.nulls, .values]
        }
    }

    /// The run holding `boundary`'s row.
    static func run(of boundary: ListBoundary) -> Run {
        boundary.key.isNull ? .nulls : .values
    }

    /// The rows of `boundary`'s run that come after it, ties on the sort key broken by rowid as `ORDER BY` does.
    func condition(after boundary: ListBoundary) -> SeekCondition {
        let later = query.ordering.descending ? "<" : ">"
        if boundary.key.isNull {
            return SeekCondition(sql: "\(column) IS NULL AND rowid \(later) ?", bindings: [.integer(boundary.rowid)])
        }
        // The first term is the index range; the second only sorts out the rows that tie with the boundary.
        return SeekCondition(
            sql: "\(column) \(later)= ? AND (\(column) \(later) ? OR rowid \(later) ?)",
            bindings: [boundary.key, boundary.key, .integer(boundary.rowid)]
        )
    }

    /// Every row of `run`.
    func condition(whole run: Run) -> SeekCondition {
        SeekCondition(sql: run == .nulls ? "\(column) IS NULL" : "\(column) IS NOT NULL", bindings: [])
    }

    /// `select` of the rows matching the filters and `condition`, in list order, `limit` of them after `offset`.
    func seek(
        select: String, _ condition: SeekCondition, limit: Int, offset: Int
    ) -> (sql: String, bindings: [SQLiteValue]) {
        (
            orderedSQL(select: select, extra: condition.sql),
            bindings + condition.bindings + [.integer(Int64(limit)), .integer(Int64(offset))]
        )
    }

    /// How many rows match the filters and `condition`.
    func count(_ condition: SeekCondition) -> (sql: String, bindings: [SQLiteValue]) {
        ("SELECT count(*) FROM images" + whereClause(adding: condition.sql), bindings + condition.bindings)
    }

    /// The columns that make a boundary.
    var boundarySelect: String { "\(column), rowid" }

    /// True when the count comes from the counter table and an index serves the ordering under these filters, so
    /// a page whose boundary is known reads a bounded number of index entries (short enough for the caller's
    /// thread; see `Database.readRecentSnapshot`).
    var isIndexedPage: Bool {
        guard countableFromCounters else { return false }
        if let orphaned = query.orphaned {
            // Only orphans have indexes of their own: (created_at), (owner, created_at) where usage_count = 0.
            return orphaned && query.status == nil && query.ordering.field == .createdAt
        }
        switch query.ordering.field {
        case .createdAt: return true  // (created_at), (owner, …), (status, …), (owner, status, …)
        case .uploadedAt: return query.status == nil  // (uploaded_at), (owner, uploaded_at)
        case .expiresAt, .fileSize: return false
        }
    }
}

/// A condition on the ordering column (and rowid), with its parameters.
struct SeekCondition {
    var sql: String
    var bindings: [SQLiteValue]
}
