import CSQLite

/// One SQLite connection. Owns its `sqlite3*` and closes it on deinit.
///
/// Not `Sendable`: a connection must be used by one thread at a time (it is opened with `SQLITE_OPEN_NOMUTEX`).
/// `Database` gives each connection to exactly one worker thread; use a bare `Connection` directly only from
/// a single thread (tools, tests, benchmarks).
public final class Connection {
    /// How to open the file.
    public enum Mode: Sendable {
        /// Read and write; create the file when missing.
        case readWriteCreate
        /// Read and write an existing file.
        case readWrite
        /// Read only; the file must exist.
        case readOnly

        var flags: Int32 {
            switch self {
            case .readWriteCreate: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
            case .readWrite: SQLITE_OPEN_READWRITE
            case .readOnly: SQLITE_OPEN_READONLY
            }
        }
    }

    let handle: OpaquePointer
    /// The file path given at open.
    public let path: String
    private var statementCache: [String: Statement] = [:]
    /// The last few statements `cachedStatement` handed out, found by comparing the SQL before hashing it: the
    /// callers pass the same few constant strings, which compare equal at once (same storage) where hashing
    /// a few hundred characters of SQL is a large part of a point read.
    private var recentStatements: [(sql: String, statement: Statement)] = []
    private var nextRecent = 0
    private static let recentCapacity = 8
    /// Maximum number of cached statements; past it the cache is cleared (queries here are few and fixed).
    public var statementCacheLimit = 256

    /// Opens `path`, sets the busy timeout, turns foreign keys on and, unless read-only, switches to WAL.
    /// - Parameters:
    ///   - path: A file path, or `":memory:"`.
    ///   - mode: How to open the file.
    ///   - busyTimeoutMilliseconds: How long a statement waits for a lock held by another connection.
    public init(path: String, mode: Mode = .readWriteCreate, busyTimeoutMilliseconds: Int32 = 5_000) throws(SQLiteError)
    {
        Self.configureLibrary
        var db: OpaquePointer?
        let flags = mode.flags | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let error = SQLiteError(resultCode: rc, db: db)
            sqlite3_close_v2(db)
            throw error
        }
        self.handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
        try execute("PRAGMA foreign_keys = ON")
        if mode != .readOnly {
            try execute("PRAGMA journal_mode = WAL")
            try execute("PRAGMA synchronous = NORMAL")
        }
    }

    deinit {
        recentStatements.removeAll()
        statementCache.removeAll()
        sqlite3_close_v2(handle)
    }

    // MARK: Running SQL

    /// Runs one or more `;`-separated statements without parameters (schema, pragmas, migrations).
    public func execute(_ sql: String) throws(SQLiteError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        defer { sqlite3_free(errorMessage) }
        guard rc == SQLITE_OK else {
            let extended = sqlite3_extended_errcode(handle)
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            throw SQLiteError(code: rc, extendedCode: extended, message: message)
        }
    }

    /// Prepares a new statement that the caller owns.
    public func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        try Statement(db: handle, sql: sql)
    }

    /// Returns the cached statement for `sql`, preparing it the first time. The statement comes back reset
    /// with its bindings cleared. Do not keep it across calls that might fetch the same SQL again.
    public func cachedStatement(_ sql: String) throws(SQLiteError) -> Statement {
        for recent in recentStatements where recent.sql == sql {
            recent.statement.reset()
            recent.statement.clearBindings()
            return recent.statement
        }
        let statement: Statement
        if let cached = statementCache[sql] {
            cached.reset()
            cached.clearBindings()
            statement = cached
        } else {
            if statementCache.count >= statementCacheLimit {
                statementCache.removeAll()
                recentStatements.removeAll()
            }
            statement = try prepare(sql)
            statementCache[sql] = statement
        }
        if recentStatements.count < Self.recentCapacity {
            recentStatements.append((sql, statement))
        } else {
            recentStatements[nextRecent] = (sql, statement)
            nextRecent = (nextRecent + 1) % Self.recentCapacity
        }
        return statement
    }

    /// The number of statements currently cached.
    public var cachedStatementCount: Int { statementCache.count }

    /// Runs one parameterised statement (cached) to completion.
    public func execute(_ sql: String, _ bindings: [SQLiteValue]) throws(SQLiteError) {
        let statement = try cachedStatement(sql)
        try statement.bind(bindings)
        try statement.run()
    }

    /// Runs one parameterised statement (cached) and calls `body` for each row while the statement is positioned
    /// on it. The statement is reset afterwards, even on throw, so no read stays open.
    public func forEachRow(_ sql: String, _ bindings: [SQLiteValue] = [], _ body: (Statement) throws -> Void) throws {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        try statement.bind(bindings)
        while try statement.step() { try body(statement) }
    }

    /// Runs one parameterised statement (cached) and copies every row.
    public func query(_ sql: String, _ bindings: [SQLiteValue] = []) throws(SQLiteError) -> [Row] {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        try statement.bind(bindings)
        var rows: [Row] = []
        while try statement.step() { rows.append(statement.row()) }
        return rows
    }

    /// Maps each row of one parameterised statement (cached) with `transform`, which sees the positioned statement.
    public func query<T>(
        _ sql: String,
        _ bindings: [SQLiteValue] = [],
        map transform: (Statement) throws -> T
    ) throws -> [T] {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        try statement.bind(bindings)
        var results: [T] = []
        while try statement.step() { results.append(try transform(statement)) }
        return results
    }

    /// Maps the first row of one parameterised statement (cached) with `transform`, which sees the positioned
    /// statement; nil when there is no row. Reads no further rows: for lookups that match one row at most.
    public func first<T>(
        _ sql: String,
        _ bindings: [SQLiteValue] = [],
        map transform: (Statement) throws -> T
    ) throws -> T? {
        try first(sql, binding: { try $0.bind(bindings) }, map: transform)
    }

    /// `first(_:_:map:)` with the parameters bound by `bind` (`Statement.bind(_:at:)`, `bindText(_:at:)`), which
    /// spares building an array of values.
    public func first<T>(
        _ sql: String,
        binding bind: (Statement) throws -> Void,
        map transform: (Statement) throws -> T
    ) throws -> T? {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        try bind(statement)
        return try statement.step() ? try transform(statement) : nil
    }

    /// The first column of the first row, or nil when there is no row.
    public func scalar(_ sql: String, _ bindings: [SQLiteValue] = []) throws(SQLiteError) -> SQLiteValue? {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        try statement.bind(bindings)
        return try statement.step() ? statement.value(at: 0) : nil
    }

    // MARK: State

    /// The rowid of the most recent successful INSERT on this connection.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows changed by the most recent INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes64(handle)) }

    /// Rows changed since the connection opened.
    public var totalChanges: Int { Int(sqlite3_total_changes64(handle)) }

    /// True outside any transaction (autocommit mode).
    public var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }

    /// Statement journals (the rollback data of each `SAVEPOINT`, one per write of a group commit, ~60 KB for an
    /// image insert) stay in memory up to this size per transaction. SQLite's default of 64 KB spilled every batch
    /// of two or more writes to a temporary file: two `pwrite`s per page, half the writer's system time.
    static let statementJournalSpillBytes: Int32 = 4 << 20

    /// Process-wide settings, applied once before the first open (SQLite refuses them once initialised, e.g. when
    /// something else in the process opened a database first, and keeps its defaults): statement journals in
    /// memory up to ``statementJournalSpillBytes``, and memory statistics off (with them every allocation takes
    /// one process-wide mutex, which threads reading through separate connections then fight over).
    private static let configureLibrary: Void = {
        _ = cfi_sqlite_config_stmtjrnl_spill(statementJournalSpillBytes)
        _ = cfi_sqlite_disable_memstatus()
        sqlite3_initialize()
    }()

    /// The library version, e.g. `3.40.1`.
    public static var libraryVersion: String { String(cString: sqlite3_libversion()) }
}
