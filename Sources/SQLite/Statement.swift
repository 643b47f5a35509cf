import CSQLite

/// A prepared statement. Owns its `sqlite3_stmt` and finalizes it on deinit.
///
/// Like its `Connection`, a statement must be used by one thread at a time. Bind indexes are 1-based, as in
/// SQLite; column indexes are 0-based. Text is bound with `SQLITE_TRANSIENT`, so SQLite copies it.
public final class Statement {
    let handle: OpaquePointer
    /// The connection's handle, for error messages. The statement never outlives its connection:
    /// the connection finalizes cached statements before closing, and holds them strongly.
    private let db: OpaquePointer
    /// The SQL text the statement was prepared from.
    public let sql: String
    private var namesToIndex: [String: Int32]?

    init(db: OpaquePointer, sql: String) throws(SQLiteError) {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            throw SQLiteError(resultCode: rc, db: db)
        }
        self.handle = statement
        self.db = db
        self.sql = sql
    }

    deinit {
        sqlite3_finalize(handle)
    }

    // MARK: Binding

    /// The number of `?` parameters.
    public var parameterCount: Int { Int(sqlite3_bind_parameter_count(handle)) }

    /// Binds `value` to the 1-based parameter `index`.
    public func bind(_ value: SQLiteValue, at index: Int) throws(SQLiteError) {
        let i = Int32(index)
        let rc: Int32
        switch value {
        case .null:
            rc = sqlite3_bind_null(handle, i)
        case .integer(let v):
            rc = sqlite3_bind_int64(handle, i, v)
        case .real(let v):
            rc = sqlite3_bind_double(handle, i, v)
        case .text(var v):
            // The string's own UTF-8 (no NUL-terminated copy): SQLite takes the length and copies the bytes.
            rc = v.withUTF8 { bindText($0, at: i) }
        case .blob(let v):
            rc = v.withUnsafeBytes { buffer in
                // A zero-length blob must still bind as a blob, not NULL: use zeroblob(0).
                if buffer.count == 0 { return sqlite3_bind_zeroblob(handle, i, 0) }
                return sqlite3_bind_blob(handle, i, buffer.baseAddress, Int32(buffer.count), cfi_sqlite_transient())
            }
        }
        guard rc == SQLITE_OK else { throw SQLiteError(resultCode: rc, db: db) }
    }

    /// Binds UTF-8 `text` (not validated; SQLite copies it) to the 1-based parameter `index`.
    public func bindText(_ text: Span<UInt8>, at index: Int) throws(SQLiteError) {
        let rc = text.withUnsafeBufferPointer { bindText($0, at: Int32(index)) }
        guard rc == SQLITE_OK else { throw SQLiteError(resultCode: rc, db: db) }
    }

    private func bindText(_ buffer: UnsafeBufferPointer<UInt8>, at index: Int32) -> Int32 {
        guard let base = buffer.baseAddress, buffer.count > 0 else {
            return sqlite3_bind_text(handle, index, "", 0, cfi_sqlite_transient())
        }
        return base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
            sqlite3_bind_text(handle, index, $0, Int32(buffer.count), cfi_sqlite_transient())
        }
    }

    /// Binds `value` to the named parameter (`:name`, `@name` or `$name`; give the prefix too).
    public func bind(_ value: SQLiteValue, named name: String) throws(SQLiteError) {
        let index = sqlite3_bind_parameter_index(handle, name)
        guard index > 0 else { throw .misuse("no parameter named \(name) in statement") }
        try bind(value, at: Int(index))
    }

    /// Binds `values` to parameters 1...n.
    public func bind(_ values: [SQLiteValue]) throws(SQLiteError) {
        guard values.count <= parameterCount else {
            throw .misuse("\(values.count) values bound to a statement with \(parameterCount) parameters")
        }
        for (offset, value) in values.enumerated() {
            try bind(value, at: offset + 1)
        }
    }

    /// Binds each named value (keys include their prefix, e.g. `":id"`).
    public func bind(_ values: [String: SQLiteValue]) throws(SQLiteError) {
        for (name, value) in values {
            try bind(value, named: name)
        }
    }

    /// Sets every parameter back to NULL.
    public func clearBindings() {
        sqlite3_clear_bindings(handle)
    }

    // MARK: Execution

    /// Advances to the next row. Returns `true` when a row is available, `false` when done.
    @discardableResult
    public func step() throws(SQLiteError) -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw SQLiteError(resultCode: rc, db: db)
        }
    }

    /// Resets the statement so it can run again; bindings are kept. Also ends any read the statement held open.
    public func reset() {
        sqlite3_reset(handle)
    }

    /// Runs the statement to completion, ignoring rows.
    public func run() throws(SQLiteError) {
        defer { reset() }
        while try step() {}
    }

    // MARK: Columns

    /// The number of result columns.
    public var columnCount: Int { Int(sqlite3_column_count(handle)) }

    /// The name of result column `index`.
    public func columnName(at index: Int) -> String {
        sqlite3_column_name(handle, Int32(index)).map { String(cString: $0) } ?? ""
    }

    /// The index of the result column called `name`.
    public func columnIndex(named name: String) throws(SQLiteError) -> Int {
        if namesToIndex == nil {
            var map: [String: Int32] = [:]
            for i in 0..<Int32(columnCount) where map[columnName(at: Int(i))] == nil {
                map[columnName(at: Int(i))] = i
            }
            namesToIndex = map
        }
        guard let index = namesToIndex?[name] else { throw .misuse("no column named \(name) in result") }
        return Int(index)
    }

    /// True when column `index` of the current row is NULL.
    public func isNull(at index: Int) -> Bool {
        sqlite3_column_type(handle, Int32(index)) == SQLITE_NULL
    }

    /// Column `index` as an integer (SQLite's conversion rules; NULL is 0).
    public func int64(at index: Int) -> Int64 {
        sqlite3_column_int64(handle, Int32(index))
    }

    /// Column `index` as a real (SQLite's conversion rules; NULL is 0).
    public func double(at index: Int) -> Double {
        sqlite3_column_double(handle, Int32(index))
    }

    /// Column `index` as text. NULL is the empty string; invalid UTF-8 is repaired with U+FFFD.
    public func text(at index: Int) -> String {
        let i = Int32(index)
        guard let pointer = sqlite3_column_text(handle, i) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, i))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    /// Lends column `index` as UTF-8 text bytes (as stored, not validated; NULL is empty) to `body` without copying
    /// them. The span is valid only inside `body`, which must not step or reset the statement.
    public func withUTF8<R, E: Error>(at index: Int, _ body: (Span<UInt8>) throws(E) -> R) throws(E) -> R {
        let i = Int32(index)
        guard let pointer = sqlite3_column_text(handle, i) else {
            return try body(UnsafeBufferPointer<UInt8>(start: nil, count: 0).span)
        }
        let count = Int(sqlite3_column_bytes(handle, i))
        return try body(UnsafeBufferPointer(start: pointer, count: count).span)
    }

    /// Column `index` as bytes. NULL is empty.
    public func blob(at index: Int) -> [UInt8] {
        let i = Int32(index)
        guard let pointer = sqlite3_column_blob(handle, i) else { return [] }
        let count = Int(sqlite3_column_bytes(handle, i))
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// Column `index` in its own storage class.
    public func value(at index: Int) -> SQLiteValue {
        switch sqlite3_column_type(handle, Int32(index)) {
        case SQLITE_INTEGER: .integer(int64(at: index))
        case SQLITE_FLOAT: .real(double(at: index))
        case SQLITE_TEXT: .text(text(at: index))
        case SQLITE_BLOB: .blob(blob(at: index))
        default: .null
        }
    }

    /// The column named `name` in its own storage class.
    public func value(named name: String) throws(SQLiteError) -> SQLiteValue {
        value(at: try columnIndex(named: name))
    }

    /// Every column of the current row.
    public func row() -> Row {
        var values: [SQLiteValue] = []
        values.reserveCapacity(columnCount)
        for i in 0..<columnCount { values.append(value(at: i)) }
        return Row(columns: (0..<columnCount).map(columnName(at:)), values: values)
    }
}
