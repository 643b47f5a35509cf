/// A parameter bound to a statement. Every value travels in PostgreSQL's text format, declared `text`, `int8` or
/// `bool`; NULL is sent untyped (the server infers its type from where it is used: cast it, `$1::text IS NULL`,
/// where nothing else says).
public enum PostgreSQLValue: Sendable, Hashable {
    case null
    case text(String)
    case integer(Int64)
    case bool(Bool)

    /// Text, or NULL when nil.
    public static func text(_ value: String?) -> PostgreSQLValue { value.map(PostgreSQLValue.text) ?? .null }
    /// An integer, or NULL when nil.
    public static func integer(_ value: Int64?) -> PostgreSQLValue { value.map(PostgreSQLValue.integer) ?? .null }
    /// An integer, or NULL when nil.
    public static func int(_ value: Int?) -> PostgreSQLValue { value.map { .integer(Int64($0)) } ?? .null }

    /// The type OID the parameter is declared with (0: let the server infer it).
    var typeOID: UInt32 {
        switch self {
        case .null: 0
        case .text: 25
        case .integer: 20
        case .bool: 16
        }
    }

    /// The text format of the value, nil for NULL.
    var textFormat: String? {
        switch self {
        case .null: nil
        case .text(let text): text
        case .integer(let value): String(value)
        case .bool(let value): value ? "t" : "f"
        }
    }
}
