import JSON

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
    static func object(_ bytes: [UInt8], column: String) throws -> [String: JSONValue] {
        if bytes == [UInt8(ascii: "{"), UInt8(ascii: "}")] { return [:] }
        guard case .object(let members)? = try? JSONValue.parse(bytes) else { throw ImageStoreError.corruptRow(column) }
        return members
    }

    /// A JSON array-of-strings column.
    static func strings(_ bytes: [UInt8], column: String) throws -> [String] {
        if bytes == [UInt8(ascii: "["), UInt8(ascii: "]")] { return [] }
        guard case .array(let elements)? = try? JSONValue.parse(bytes) else { throw ImageStoreError.corruptRow(column) }
        var strings: [String] = []
        strings.reserveCapacity(elements.count)
        for element in elements {
            guard case .string(let string) = element else { throw ImageStoreError.corruptRow(column) }
            strings.append(string)
        }
        return strings
    }
}
