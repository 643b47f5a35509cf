import Foundation
import SQLite

/// `StoreSession` on a SQLite connection (the writer, or a reader's snapshot for an export).
final class SQLiteStoreSession: StoreSession {
    private let connection: Connection

    init(_ connection: Connection) {
        self.connection = connection
    }

    var dialect: SQLDialect { .sqlite }

    func execute(_ sql: String, _ values: [SQLiteValue]) throws -> Int {
        try connection.execute(sql, values)
        return connection.changes
    }

    func forEachRow(_ sql: String, _ values: [SQLiteValue], _ body: (Statement) throws -> Void) throws {
        try connection.forEachRow(sql, values, body)
    }

    /// On a statement of its own, not the cached one, so `body` may run that same SQL meanwhile.
    func stream(_ sql: String, _ body: (Statement) throws -> Void) throws {
        let rows = try connection.prepare(sql)
        defer { rows.reset() }
        while try rows.step() { try body(rows) }
    }

    func image(_ id: UUID) throws -> ImageRecord? {
        try SQLiteImageRepository.fetch(connection, .id(id), owner: nil)
    }

    func decodeImage(_ row: Statement) throws -> ImageRecord {
        try ImageSQL.decode(row)
    }

    func decodeUsage(_ row: Statement) throws -> ImageUsage {
        try SQLiteImageRepository.decodeUsage(row)
    }

    func violation(_ error: any Error) -> ConstraintViolation? {
        guard let error = error as? SQLiteError else { return nil }
        if error.isConstraintUnique, error.message.contains("images.cloudflare_id") { return .cloudflareIDTaken }
        return error.isConstraintForeignKey ? .foreignKey : nil
    }

    static func mapped(_ error: any Error) -> any Error {
        ImageStoreError.mapped(error)
    }
}
