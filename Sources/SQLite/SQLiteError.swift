import CSQLite

/// An error reported by SQLite: the primary result code, the extended code and SQLite's own message.
///
/// The message is whatever `sqlite3_errmsg` said at the time (for example
/// `UNIQUE constraint failed: images.cloudflare_id`); it never contains bound values.
public struct SQLiteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The primary result code (`SQLITE_CONSTRAINT`, `SQLITE_BUSY`, ...), i.e. `extendedCode & 0xff`.
    public let code: Int32
    /// The extended result code (`ExtendedCode.constraintUnique`, ...).
    public let extendedCode: Int32
    /// SQLite's message, or our own for misuse detected on the Swift side.
    public let message: String

    public init(code: Int32, extendedCode: Int32? = nil, message: String) {
        self.code = code & 0xff
        self.extendedCode = extendedCode ?? code
        self.message = message
    }

    /// Builds the error from a connection's current error state.
    init(resultCode: Int32, db: OpaquePointer?) {
        let extended = db.map { sqlite3_extended_errcode($0) } ?? resultCode
        let text: String
        if let db, let cMessage = sqlite3_errmsg(db) {
            text = String(cString: cMessage)
        } else {
            text = String(cString: sqlite3_errstr(resultCode))
        }
        self.init(code: resultCode, extendedCode: extended, message: text)
    }

    public var description: String {
        "SQLite error \(extendedCode): \(message)"
    }

    /// A UNIQUE or PRIMARY KEY constraint was violated.
    public var isConstraintUnique: Bool {
        extendedCode == ExtendedCode.constraintUnique || extendedCode == ExtendedCode.constraintPrimaryKey
    }

    /// Any constraint (UNIQUE, CHECK, NOT NULL, FOREIGN KEY, ...) was violated.
    public var isConstraint: Bool { code == SQLITE_CONSTRAINT }

    /// A FOREIGN KEY constraint was violated.
    public var isConstraintForeignKey: Bool { extendedCode == ExtendedCode.constraintForeignKey }

    /// A CHECK constraint was violated.
    public var isConstraintCheck: Bool { extendedCode == ExtendedCode.constraintCheck }

    /// The database was locked by another connection for longer than the busy timeout (at once for `readRecentSnapshotWithoutWaiting`).
    public var isBusy: Bool { code == SQLITE_BUSY || code == SQLITE_LOCKED }

    /// The file itself failed: corrupt, not a database, an I/O error, disk full, read-only, cannot be opened, or
    /// no permission. Not the query's fault, and not passing: retrying will not help.
    public var isFileFailure: Bool {
        [
            SQLITE_CORRUPT, SQLITE_NOTADB, SQLITE_IOERR, SQLITE_FULL, SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_PERM,
            SQLITE_PROTOCOL, SQLITE_NOLFS,
        ].contains(code)
    }

    /// One of SQLite's limits on a statement's shape was passed (a string or blob too big, too many variables or
    /// terms, a LIKE pattern too complex, an expression tree too deep): the query, not the database, is at fault.
    public var isQueryShapeLimit: Bool {
        if code == SQLITE_TOOBIG || code == SQLITE_RANGE { return true }
        guard code == SQLITE_ERROR else { return false }
        return ["too many", "too complex", "too large", "too big", "maximum depth"].contains { message.contains($0) }
    }

    /// A Swift-side misuse, such as a bind index out of range or an unknown column name.
    static func misuse(_ message: String) -> SQLiteError {
        SQLiteError(code: SQLITE_MISUSE, message: message)
    }
}

extension SQLiteError {
    /// Extended result codes; sqlite3.h defines them as expressions Swift cannot import.
    public enum ExtendedCode {
        public static let constraintCheck = SQLITE_CONSTRAINT | (1 << 8)
        public static let constraintForeignKey = SQLITE_CONSTRAINT | (3 << 8)
        public static let constraintNotNull = SQLITE_CONSTRAINT | (5 << 8)
        public static let constraintPrimaryKey = SQLITE_CONSTRAINT | (6 << 8)
        public static let constraintUnique = SQLITE_CONSTRAINT | (8 << 8)
    }
}
