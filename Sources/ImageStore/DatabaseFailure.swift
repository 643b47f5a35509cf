/// What the database said about a failure, kept for logs: the backend's codes and message (never bound values).
public struct DatabaseFailure: Sendable, Hashable, CustomStringConvertible {
    /// The backend's primary result code (SQLite's `SQLITE_BUSY`, ...).
    public let code: Int32
    /// The backend's extended result code (SQLite's `SQLITE_CONSTRAINT_UNIQUE`, ...); `code` when it has none.
    public let extendedCode: Int32
    /// The backend's message, for example `UNIQUE constraint failed: images.cloudflare_id`.
    public let message: String

    public init(code: Int32, extendedCode: Int32, message: String) {
        self.code = code
        self.extendedCode = extendedCode
        self.message = message
    }

    public var description: String { "database error \(extendedCode): \(message)" }
}
