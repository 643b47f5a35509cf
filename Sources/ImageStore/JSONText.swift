import Foundation
import JSON

/// Encodes and decodes the JSON text columns. Keys are sorted so equal values are equal text.
enum JSONText {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// A JSON object column, written byte for byte as `JSONEncoder` with `.sortedKeys, .withoutEscapingSlashes`
    /// writes it (keys in UTF-8 byte order, `1.0` as `1`, `\b`/`\f` escapes), without its cost per call.
    static func encode(_ object: [String: JSONValue]) throws -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        try write(.object(object), into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A JSON array-of-strings column, as `JSONEncoder` writes it.
    static func encode(_ strings: [String]) throws -> String {
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        for (index, string) in strings.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            writeString(string, into: &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func write(_ value: JSONValue, into bytes: inout [UInt8]) throws {
        switch value {
        case .null: bytes.append(contentsOf: "null".utf8)
        case .bool(let flag): bytes.append(contentsOf: (flag ? "true" : "false").utf8)
        case .int(let number): bytes.append(contentsOf: String(number).utf8)
        case .double(let number):
            // JSONEncoder refuses non-finite numbers; let it say so.
            guard number.isFinite else { _ = try encode([number]); return }
            let text = number.description
            bytes.append(contentsOf: text.hasSuffix(".0") ? text.utf8.dropLast(2) : text.utf8[...])
        case .string(let string): writeString(string, into: &bytes)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                try write(element, into: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (index, key) in keys.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                writeString(key, into: &bytes)
                bytes.append(UInt8(ascii: ":"))
                try write(members[key]!, into: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func writeString(_ string: String, into bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x00..<0x20:
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                bytes.append(hexDigits[Int(byte >> 4)])
                bytes.append(hexDigits[Int(byte & 0x0F)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
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
