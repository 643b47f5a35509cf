import PostgreSQL
import SQLite

/// `UploadHistory` on PostgreSQL (migration 0007), as `SQLiteUploadHistory`.
public final class PostgreSQLUploadHistory: UploadHistory {
    let database: PostgreSQLStoreDatabase

    public init(pool: PostgreSQLPool) {
        self.database = PostgreSQLStoreDatabase(pool: pool)
    }

    public func uploadsPerDay(owner: String?, since firstDay: Int64) async throws -> [Int64: Int] {
        let sql =
            owner == nil
            ? "SELECT day, sum(uploads) FROM image_upload_days WHERE day >= ?1 GROUP BY day"
            : "SELECT day, uploads FROM image_upload_days WHERE owner = ?2 AND day >= ?1"
        let bindings: [SQLiteValue] = [.integer(firstDay)] + (owner.map { [.text($0)] } ?? [])
        let rows = try await database.read { session in
            try session.query(sql, bindings) { row in (row.int64(at: 0), Int(row.int64(at: 1))) }
        }
        return Dictionary(rows, uniquingKeysWith: +)
    }
}
