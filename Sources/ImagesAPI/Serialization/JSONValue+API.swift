import Foundation
import ImageStore
import JSON

/// The JSON value type the repository stores (module `JSON` after the unification).
typealias JSONValue = ImageStore.JSONValue

extension JSONWriter {
    /// Writes any stored JSON value; object keys sorted, as stored.
    mutating func json(_ value: JSONValue) {
        switch value {
        case .null: null()
        case .bool(let b): bool(b)
        case .int(let i): int(i)
        case .double(let d): double(d)
        case .string(let s): string(s)
        case .array(let items):
            beginArray()
            for item in items { json(item) }
            endArray()
        case .object(let members):
            beginObject()
            for name in members.keys.sorted() {
                key(name)
                json(members[name]!)
            }
            endObject()
        }
    }

    mutating func json(_ object: [String: JSONValue]) { json(.object(object)) }
}

extension JSONValue {
    /// Parses JSON text; the error carries Foundation's short reason.
    static func parseBody(_ bytes: [UInt8]) throws -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        } catch let DecodingError.dataCorrupted(context) {
            let reason = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            throw BodyParseError(reason: reason ?? context.debugDescription)
        } catch {
            throw BodyParseError(reason: "not valid JSON")
        }
    }

    /// Any `Encodable` (e.g. a Cloudflare result) as a JSON value, for log `data`.
    static func from<T: Encodable>(_ value: T) -> JSONValue {
        guard let data = try? JSONEncoder().encode(value),
              let decoded = try? JSONDecoder().decode(JSONValue.self, from: data) else { return .null }
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

    /// Compact JSON bytes, keys sorted.
    var bytes: [UInt8] {
        var writer = JSONWriter(capacity: 64)
        writer.json(self)
        return writer.bytes
    }
}

/// A request or webhook body that is not JSON.
struct BodyParseError: Error {
    let reason: String
}
