import SQLite

/// ``UploadHistory`` on the service's SQLite database (table `image_upload_days`): a few rows per day, never the
/// images themselves.
public final class SQLiteUploadHistory: UploadHistory {
    let database: StoreDatabase

    public init(database: Database) {
        self.database = StoreDatabase(database)
    }

    public func uploadsPerDay(owner: String?, since firstDay: Int64) async throws -> [Int64: Int] {
        let sql =
            owner == nil
            ? "SELECT day, sum(uploads) FROM image_upload_days WHERE day >= ?1 GROUP BY day"
            : "SELECT day, uploads FROM image_upload_days WHERE owner = ?2 AND day >= ?1"
        let bindings: [SQLiteValue] = [.integer(firstDay)] + (owner.map { [.text($0)] } ?? [])
        let rows = try await database.readRecentSnapshot { connection in
            try connection.query(sql, bindings) { row in (row.int64(at: 0), Int(row.int64(at: 1))) }
        }
        return Dictionary(rows, uniquingKeysWith: +)
    }
}
