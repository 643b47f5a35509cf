/// A failure reported by libpq or the server: the SQLSTATE (`23505`, `08006`, ...; empty when libpq failed before
/// the server answered), PostgreSQL's own message, and the constraint a violation names, if any.
public struct PostgreSQLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The five-character SQLSTATE, or `""` when the error did not come from the server.
    public let sqlState: String
    /// PostgreSQL's (or libpq's) message, without bound values.
    public let message: String
    /// The constraint a violation names (`images_cloudflare_id_key`), if the server said.
    public let constraint: String?
    /// True when the connection is gone (server restarted, socket closed): the next use opens a new one.
    public let isConnectionLost: Bool

    public init(sqlState: String, message: String, constraint: String? = nil, isConnectionLost: Bool = false) {
        self.sqlState = sqlState
        self.message = message
        self.constraint = constraint
        self.isConnectionLost = isConnectionLost
    }

    /// `23505`: a UNIQUE or PRIMARY KEY constraint refused the write.
    public var isUniqueViolation: Bool { sqlState == "23505" }
    /// `23503`: a FOREIGN KEY constraint refused the write.
    public var isForeignKeyViolation: Bool { sqlState == "23503" }
    /// Class 23: any integrity constraint.
    public var isConstraintViolation: Bool { sqlState.hasPrefix("23") }
    /// `40001` or `40P01`: serialization failure or deadlock; the transaction may be retried.
    public var isRetryable: Bool { sqlState == "40001" || sqlState == "40P01" }
    /// `55P03` (lock not available) or `57014` (statement timeout): waited too long.
    public var isBusy: Bool { sqlState == "55P03" || sqlState == "57014" }

    /// SQLSTATEs that mean the session is over: class 08 (connection exception) and the 57P0x shutdowns.
    static func meansConnectionLost(_ sqlState: String) -> Bool {
        sqlState.hasPrefix("08") || sqlState == "57P01" || sqlState == "57P02" || sqlState == "57P03"
    }

    public var description: String {
        sqlState.isEmpty ? "PostgreSQL: \(message)" : "PostgreSQL \(sqlState): \(message)"
    }
}
