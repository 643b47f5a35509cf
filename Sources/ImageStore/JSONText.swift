import JSON
import SQLite

/// Encodes and decodes the JSON text columns. Keys are sorted so equal values are equal text.
enum JSONText {
    /// A JSON object column: the JSON module's canonical text (compact, keys sorted), so equal values are equal
    /// text and SQL may compare it (`variants = '[]'`).
    static func encode(_ object: [String: JSONValue]) -> String {
        JSONValue.object(object).jsonText
    }

    /// A JSON array-of-strings column.
    static func encode(_ strings: [String]) -> String {
        JSONValue.array(strings.map(JSONValue.string)).jsonText
    }

    /// A JSON object column, read back exactly as written (the JSON module's parser: `1.0` stays a double).
    static func object(_ bytes: [UInt8], column: String) throws(ImageStoreError) -> [String: JSONValue] {
        try object(bytes.span, column: column)
    }

    /// Column `index` of the row `statement` is on, read in place as a JSON object column.
    static func object(
        _ statement: Statement, at index: Int, column: String
    ) throws(ImageStoreError) -> [String: JSONValue] {
        try statement.withUTF8(at: index) { bytes throws(ImageStoreError) in try object(bytes, column: column) }
    }

    /// Column `index` of the row `statement` is on, read in place as a JSON array-of-strings column.
    static func strings(_ statement: Statement, at index: Int, column: String) throws(ImageStoreError) -> [String] {
        try statement.withUTF8(at: index) { bytes throws(ImageStoreError) in try strings(bytes, column: column) }
    }

    static func object(_ bytes: Span<UInt8>, column: String) throws(ImageStoreError) -> [String: JSONValue] {
        if bytes.count == 2, bytes[0] == UInt8(ascii: "{"), bytes[1] == UInt8(ascii: "}") { return [:] }
        guard case .object(let members)? = try? JSONValue.parse(bytes) else { throw .corruptRow(column) }
        return members
    }

    static func strings(_ bytes: Span<UInt8>, column: String) throws(ImageStoreError) -> [String] {
        if bytes.count == 2, bytes[0] == UInt8(ascii: "["), bytes[1] == UInt8(ascii: "]") { return [] }
        guard let strings = (try? JSONValue.parseStrings(bytes)) ?? nil else { throw .corruptRow(column) }
        return strings
    }
}
