import CLibPQ

#if canImport(Glibc)
    import Glibc
#endif

/// The owner of one libpq connection (`PGconn`, finished on deinit). Blocking: use it on one thread at a time, off
/// any event loop (see `PostgreSQLPool`). Every statement with parameters goes through `PQexecParams`, so values
/// are never part of the SQL text.
public final class PostgreSQLConnection {
    private let handle: OpaquePointer
    /// Statements prepared on this connection, by SQL text and parameter types: the server parses and plans each
    /// once per connection rather than on every call.
    private var prepared: [PreparedKey: String] = [:]
    /// The most statements one connection prepares; past it, statements run unprepared.
    static let maxPrepared = 512

    private struct PreparedKey: Hashable {
        let sql: String
        let types: [Oid]
    }

    /// Connects with a libpq connection string or URI (`postgresql://user@host/db`, `postgresql:///db?host=/run`).
    /// - Throws: `PostgreSQLError` with libpq's message (SQLSTATE `08001`) when the server cannot be reached.
    public init(url: String) throws(PostgreSQLError) {
        guard let handle = PQconnectdb(url) else {
            throw PostgreSQLError(sqlState: "08001", message: "out of memory", isConnectionLost: true)
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = Self.trimmed(PQerrorMessage(handle))
            PQfinish(handle)
            throw PostgreSQLError(sqlState: "08001", message: message, isConnectionLost: true)
        }
        self.handle = handle
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
    }

    deinit { PQfinish(handle) }

    /// False once the connection is gone (the server closed it, or a network failure): open a new one.
    public var isOpen: Bool { PQstatus(handle) == CONNECTION_OK }

    /// True inside a transaction block (also a failed one).
    public var isInTransaction: Bool {
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR
    }

    /// Runs one statement with `parameters` bound to `$1`, `$2`, ... and returns its rows.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [PostgreSQLValue] = []) throws(PostgreSQLError) -> PostgreSQLResult
    {
        let texts = parameters.map { $0.textFormat.map { strdup($0) } ?? nil }
        defer { for text in texts { free(text) } }
        let raw = texts.map { UnsafePointer($0) }
        let types = parameters.map { Oid($0.typeOID) }
        let name = try preparedName(sql, types)
        let result = raw.withUnsafeBufferPointer { values in
            if let name {
                return PQexecPrepared(handle, name, Int32(values.count), values.baseAddress, nil, nil, 0)
            }
            return types.withUnsafeBufferPointer { types in
                PQexecParams(handle, sql, Int32(values.count), types.baseAddress, values.baseAddress, nil, nil, 0)
            }
        }
        return try checked(result)
    }

    /// The name of `sql` prepared with `types` on this connection (preparing it now if it is new), or nil when the
    /// connection holds as many prepared statements as it may (then the statement runs unprepared). Transaction
    /// control runs unprepared too.
    private func preparedName(_ sql: String, _ types: [Oid]) throws(PostgreSQLError) -> String? {
        let key = PreparedKey(sql: sql, types: types)
        if let name = prepared[key] { return name }
        guard prepared.count < Self.maxPrepared, !types.isEmpty else { return nil }
        let name = "cfi\(prepared.count)"
        let result = types.withUnsafeBufferPointer { types in
            PQprepare(handle, name, sql, Int32(types.count), types.baseAddress)
        }
        _ = try checked(result)
        prepared[key] = name
        return name
    }

    /// Runs SQL text of several statements with no parameters (a migration file), in the simple query protocol.
    public func executeScript(_ sql: String) throws(PostgreSQLError) {
        _ = try checked(PQexec(handle, sql))
    }

    /// The rows of `sql`, mapped.
    public func query<T>(
        _ sql: String, _ parameters: [PostgreSQLValue] = [], map: (PostgreSQLRow) throws -> T
    ) throws -> [T] {
        try execute(sql, parameters).map(map)
    }

    /// The first column of the first row, nil when there is no row or it is NULL.
    public func scalarText(_ sql: String, _ parameters: [PostgreSQLValue] = []) throws(PostgreSQLError) -> String? {
        let result = try execute(sql, parameters)
        guard result.rowCount > 0, !result.isNull(0, 0) else { return nil }
        return result.text(0, 0)
    }

    /// The first column of the first row as an integer, nil when there is no row or it is NULL.
    public func scalarInt(_ sql: String, _ parameters: [PostgreSQLValue] = []) throws(PostgreSQLError) -> Int64? {
        try scalarText(sql, parameters).flatMap { Int64($0) }
    }

    /// Runs `body` in one transaction (`BEGIN` ... `COMMIT`), rolled back when it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            if isOpen, isInTransaction { _ = try? execute("ROLLBACK") }
            throw error
        }
    }

    private func checked(_ result: OpaquePointer?) throws(PostgreSQLError) -> PostgreSQLResult {
        guard let result else {
            throw PostgreSQLError(
                sqlState: "", message: Self.trimmed(PQerrorMessage(handle)), isConnectionLost: !isOpen)
        }
        let owned = PostgreSQLResult(result)
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return owned
        default:
            let sqlState = Self.field(result, "C") ?? ""
            let message = Self.field(result, "M") ?? Self.trimmed(PQresultErrorMessage(result))
            throw PostgreSQLError(
                sqlState: sqlState, message: message, constraint: Self.field(result, "n"),
                isConnectionLost: !isOpen || PostgreSQLError.meansConnectionLost(sqlState))
        }
    }

    /// A field of an error result (`PG_DIAG_*`, named by its one-letter code).
    private static func field(_ result: OpaquePointer, _ code: Unicode.Scalar) -> String? {
        PQresultErrorField(result, Int32(code.value)).map { String(cString: $0) }
    }

    private static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "unknown libpq error" }
        var text = String(cString: message)
        while text.last?.isNewline == true { text.removeLast() }
        return text.isEmpty ? "unknown libpq error" : text
    }
}
