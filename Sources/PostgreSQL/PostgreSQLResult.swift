import CLibPQ

/// The owner of one `PGresult` (freed on deinit): the rows a statement returned, in text format.
public final class PostgreSQLResult {
    private let handle: OpaquePointer
    /// How many rows the statement returned.
    public let rowCount: Int
    /// How many columns each row has.
    public let columnCount: Int

    init(_ handle: OpaquePointer) {
        self.handle = handle
        rowCount = Int(PQntuples(handle))
        columnCount = Int(PQnfields(handle))
    }

    deinit { PQclear(handle) }

    /// Rows an INSERT, UPDATE or DELETE changed (0 for other statements).
    public var affectedRows: Int { Int(String(cString: PQcmdTuples(handle))) ?? 0 }

    /// The row at `index` (`0..<rowCount`).
    public func row(_ index: Int) -> PostgreSQLRow { PostgreSQLRow(result: self, index: index) }

    /// Every row, mapped in order.
    public func map<T>(_ body: (PostgreSQLRow) throws -> T) rethrows -> [T] {
        var mapped: [T] = []
        mapped.reserveCapacity(rowCount)
        for index in 0..<rowCount { mapped.append(try body(row(index))) }
        return mapped
    }

    func isNull(_ row: Int, _ column: Int) -> Bool {
        guard row < rowCount, column < columnCount else { return true }
        return PQgetisnull(handle, Int32(row), Int32(column)) != 0
    }

    func text(_ row: Int, _ column: Int) -> String {
        guard row < rowCount, column < columnCount, let value = PQgetvalue(handle, Int32(row), Int32(column)) else {
            return ""
        }
        return String(cString: value)
    }
}

/// One row of a `PostgreSQLResult`; NULL reads as `""`, 0 or false (check `isNull(at:)` first where it matters).
public struct PostgreSQLRow {
    let result: PostgreSQLResult
    let index: Int

    public func isNull(at column: Int) -> Bool { result.isNull(index, column) }
    public func text(at column: Int) -> String { result.text(index, column) }
    public func optionalText(at column: Int) -> String? { isNull(at: column) ? nil : text(at: column) }
    public func int64(at column: Int) -> Int64 { Int64(result.text(index, column)) ?? 0 }
    public func optionalInt64(at column: Int) -> Int64? { isNull(at: column) ? nil : int64(at: column) }
    /// A `boolean` column (`t`/`f`) or an integer one (non-zero).
    public func bool(at column: Int) -> Bool {
        let text = result.text(index, column)
        return text == "t" || text == "true" || (Int64(text).map { $0 != 0 } ?? false)
    }
}
