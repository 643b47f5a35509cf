import Foundation
import SQLite

/// One connection lent to work written once for both backends, inside the caller's transaction: statements written
/// with SQLite's placeholders (the PostgreSQL session translates them), rows read through `StoreRow`, and the few
/// things the two do differently. `DjangoImportRun`, `DjangoExportRun` and `EventOutbox` are written against it.
protocol StoreSession: AnyObject {
    associatedtype Row: StoreRow

    var dialect: SQLDialect { get }

    /// Runs one statement; how many rows it inserted, updated or deleted itself (not its triggers).
    @discardableResult
    func execute(_ sql: String, _ values: [SQLiteValue]) throws -> Int

    /// Calls `body` with each row of a short result (a lookup).
    func forEachRow(_ sql: String, _ values: [SQLiteValue], _ body: (Row) throws -> Void) throws

    /// Calls `body` with each row of a result of any length, without holding it all; `body` may run statements.
    func stream(_ sql: String, _ body: (Row) throws -> Void) throws

    /// The stored image with this id, whoever owns it.
    func image(_ id: UUID) throws -> ImageRecord?

    /// A row selected with `ImageSQL.columns`.
    func decodeImage(_ row: Row) throws -> ImageRecord

    /// A row selected with `SQLiteImageRepository.usageColumns`.
    func decodeUsage(_ row: Row) throws -> ImageUsage

    /// Which constraint a failed statement broke, when that is why it failed.
    func violation(_ error: any Error) -> ConstraintViolation?

    /// What the backend throws, as `ImageStoreError`.
    static func mapped(_ error: any Error) -> any Error
}

/// A constraint a statement broke, as the import tells them apart.
enum ConstraintViolation {
    /// Another image has the Cloudflare id.
    case cloudflareIDTaken
    /// A referenced image is not stored.
    case foreignKey
}

extension StoreSession {
    /// Whether an import tries a row's insert first and reads the stored row only when it did not go in (one
    /// statement for a new row, two for one already there), rather than the reverse. PostgreSQL: each statement
    /// is a round trip and most of an import is new rows. SQLite: a lookup costs less than an insert that does
    /// nothing, and importing the same dump again is then all lookups.
    var insertsFirst: Bool { dialect == .postgresql }

    /// The first row of a lookup, mapped; nil when there is none.
    func first<T>(_ sql: String, _ values: [SQLiteValue], map: (Row) throws -> T) throws -> T? {
        var found: T?
        try forEachRow(sql, values) { row in
            if found == nil { found = try map(row) }
        }
        return found
    }

    /// Whether the lookup finds a row.
    func exists(_ sql: String, _ values: [SQLiteValue]) throws -> Bool {
        try first(sql, values) { _ in true } ?? false
    }
}
