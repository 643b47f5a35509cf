/// A copied result row: column names and values, detached from the statement.
public struct Row: Sendable, Hashable {
    /// Column names, in result order.
    public let columns: [String]
    /// Values, in result order.
    public let values: [SQLiteValue]

    public init(columns: [String], values: [SQLiteValue]) {
        self.columns = columns
        self.values = values
    }

    /// The value at 0-based `index`.
    public subscript(index: Int) -> SQLiteValue { values[index] }

    /// The value of the first column called `name`, or nil when there is none.
    public subscript(name: String) -> SQLiteValue? {
        columns.firstIndex(of: name).map { values[$0] }
    }
}
