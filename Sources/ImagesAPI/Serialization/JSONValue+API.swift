import Foundation
import JSON

extension JSONWriter {
    /// Writes a JSON object value (keys sorted, as stored).
    mutating func object(_ members: [String: JSONValue]) { value(.object(members)) }
}

extension JSONValue {
    /// Any `Encodable` (e.g. a Cloudflare result) as a JSON value, for log `data`.
    static func from<T: Encodable>(_ value: T) -> JSONValue {
        guard let data = try? JSONEncoder().encode(value), let decoded = try? JSONValue.parse(Array(data)) else {
            return .null
        }
        return decoded
    }

    /// Python's type name for this value, as DRF puts it in messages.
    var pythonTypeName: String {
        switch self {
        case .null: "NoneType"
        case .bool: "bool"
        case .int: "int"
        case .double: "float"
        case .string: "str"
        case .array: "list"
        case .object: "dict"
        }
    }
}
