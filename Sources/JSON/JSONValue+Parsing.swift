import Foundation

extension JSONValue {
    /// Parses JSON text. Errors carry a short human-readable reason (Foundation's, without its internals).
    public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        } catch let DecodingError.dataCorrupted(context) {
            let reason = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            throw JSONParseError(reason: reason ?? context.debugDescription)
        } catch {
            throw JSONParseError(reason: "not valid JSON")
        }
    }

    /// The value as compact JSON bytes, object keys sorted.
    public var jsonBytes: [UInt8] {
        var writer = JSONWriter()
        writer.value(self)
        return writer.bytes
    }

    /// The value as compact JSON text, object keys sorted.
    public var jsonText: String { String(decoding: jsonBytes, as: UTF8.self) }

    public var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }
}

/// JSON text that could not be parsed.
public struct JSONParseError: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}
