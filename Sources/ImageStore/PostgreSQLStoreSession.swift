import Foundation
import PostgreSQL
import SQLite

/// `StoreSession` on a PostgreSQL connection the pool lends (for a transaction, or a whole import or export).
final class PostgreSQLStoreSession: StoreSession {
    private let session: PostgreSQLSession
    /// Rows a `stream` cursor fetches per round trip.
    static let streamBatch = 1_000

    init(_ session: PostgreSQLSession) {
        self.session = session
    }

    var dialect: SQLDialect { .postgresql }

    func execute(_ sql: String, _ values: [SQLiteValue]) throws -> Int {
        try session.execute(sql, values)
        return session.changes
    }

    func forEachRow(_ sql: String, _ values: [SQLiteValue], _ body: (PostgreSQLRow) throws -> Void) throws {
        for row in try session.query(sql, values, map: { $0 }) { try body(row) }
    }

    /// Through a cursor in the caller's transaction, `streamBatch` rows at a time.
    func stream(_ sql: String, _ body: (PostgreSQLRow) throws -> Void) throws {
        try session.execute("DECLARE transfer_rows NO SCROLL CURSOR FOR " + sql)
        while true {
            let rows = try session.query("FETCH \(Self.streamBatch) FROM transfer_rows", map: { $0 })
            for row in rows { try body(row) }
            if rows.count < Self.streamBatch { break }
        }
        try session.execute("CLOSE transfer_rows")
    }

    func image(_ id: UUID) throws -> ImageRecord? {
        try PostgreSQLImageRepository.fetch(session, .id(id), owner: nil, forUpdate: false)
    }

    func decodeImage(_ row: PostgreSQLRow) throws -> ImageRecord {
        try ImageSQL.decode(row)
    }

    func decodeUsage(_ row: PostgreSQLRow) throws -> ImageUsage {
        try PostgreSQLImageRepository.decodeUsage(row)
    }

    func violation(_ error: any Error) -> ConstraintViolation? {
        guard let error = error as? PostgreSQLError else { return nil }
        if error.isUniqueViolation, error.constraint == "images_cloudflare_id_key" { return .cloudflareIDTaken }
        return error.isForeignKeyViolation ? .foreignKey : nil
    }

    static func mapped(_ error: any Error) -> any Error {
        ImageStoreError.mappedPostgreSQL(error)
    }
}
