extension JSONValue {
    /// Parses JSON text (see `JSONParser` for the rules). Errors say what was expected and where, as Python's
    /// `json` module does: `Expecting value: line 1 column 1 (char 0)`.
    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        try parse(bytes.span)
    }

    /// Parses JSON text lent as a span, such as a database column read in place (same rules as `parse(_:)`).
    public static func parse(_ bytes: Span<UInt8>) throws(JSONParseError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer throws(JSONParseError) in
            var parser = JSONParser(buffer)
            return try parser.parseDocument()
        }
    }

    /// Parses JSON text that should be an array of strings straight into `[String]` (same rules as `parse(_:)`);
    /// nil when it is valid JSON of another shape.
    public static func parseStrings(_ bytes: Span<UInt8>) throws(JSONParseError) -> [String]? {
        try bytes.withUnsafeBufferPointer { buffer throws(JSONParseError) in
            var parser = JSONParser(buffer)
            return try parser.parseStringArrayDocument()
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
