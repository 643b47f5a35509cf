import Foundation
import JSON

/// Encodes and decodes the JSON text columns. Keys are sorted so equal values are equal text.
enum JSONText {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// A JSON object column, read with the JSON module's byte parser (about ten times cheaper than `JSONDecoder`
    /// on a row's worth of metadata) and with `JSONDecoder`'s number rule kept: a number that is integral and fits
    /// `Int64` (`1.0`, `1e3`) is an `.int`, as `JSONValue`'s `Decodable` conformance made it.
    static func object(_ bytes: [UInt8], column: String) throws -> [String: JSONValue] {
        guard case .object(let members)? = try? JSONValue.parse(bytes) else { throw ImageStoreError.corruptRow(column) }
        return normalized(members)
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

    private static func normalized(_ members: [String: JSONValue]) -> [String: JSONValue] {
        guard members.values.contains(where: needsNormalizing) else { return members }
        return members.mapValues(normalized)
    }

    private static func needsNormalizing(_ value: JSONValue) -> Bool {
        switch value {
        case .double, .array, .object: true
        default: false
        }
    }

    private static func normalized(_ value: JSONValue) -> JSONValue {
        switch value {
        case .double(let number):
            // Integral and inside Int64's range (2^63 itself is outside): what JSONDecoder decodes as Int64.
            if number == number.rounded(.towardZero), number >= -9_223_372_036_854_775_808.0,
               number < 9_223_372_036_854_775_808.0 {
                return .int(Int64(number))
            }
            return value
        case .array(let elements): return .array(elements.map(normalized))
        case .object(let members): return .object(normalized(members))
        default: return value
        }
    }
}
