import JSON

/// Why a response body is not the expected envelope, worded like the `DecodingError` summaries of the
/// `JSONDecoder` path (`missing result.id`, `wrong type at success`, `not JSON`).
struct EnvelopeShapeError: Error {
    let summary: String

    static func missing(_ path: String) -> EnvelopeShapeError { EnvelopeShapeError(summary: "missing \(path)") }
    static func wrongType(_ path: String) -> EnvelopeShapeError { EnvelopeShapeError(summary: "wrong type at \(path)") }
}

extension Envelope {
    /// Reads a result out of the parsed `result` member; throws ``EnvelopeShapeError`` naming the bad field.
    typealias Reader = @Sendable (JSONValue) throws(EnvelopeShapeError) -> Result

    /// The envelope read with the byte-level JSON parser instead of `JSONDecoder`, for calls on hot paths (one
    /// upload-url request each): same rules as `init(from:)` (`success` required, `errors` lenient, `result`
    /// only read when successful), except that `result_info` is not read, so use it only for calls that ignore it.
    init(json body: [UInt8], reading read: Reader) throws(EnvelopeShapeError) {
        guard let document = try? JSONValue.parse(body) else { throw EnvelopeShapeError(summary: "not JSON") }
        guard case .object(let members) = document else { throw .wrongType("") }
        switch members["success"] {
        case .bool(let value)?: success = value
        case nil: throw .missing("success")
        default: throw .wrongType("success")
        }
        errors = Self.lenientErrors(members["errors"])
        resultInfo = nil
        switch members["result"] {
        case nil, .null?: result = nil
        case let value? where success: result = try read(value)
        default: result = nil
        }
    }

    /// `errors` as `init(from:)` reads them: anything but an array of objects gives none; missing fields are 0 / "".
    private static func lenientErrors(_ value: JSONValue?) -> [APIError] {
        guard case .array(let items)? = value else { return [] }
        var errors: [APIError] = []
        errors.reserveCapacity(items.count)
        for item in items {
            guard case .object(let fields) = item else { return [] }
            let code: Int
            switch fields["code"] {
            case .int(let value)?: code = Int(value)
            case .double(let value)? where value == value.rounded() && abs(value) < 1e15: code = Int(value)
            default: code = 0
            }
            errors.append(APIError(code: code, message: fields["message"]?.stringValue ?? ""))
        }
        return errors
    }
}

extension DirectUpload {
    /// `{"id": "...", "uploadURL": "..."}` as the `result` of a direct-upload envelope.
    init(json value: JSONValue) throws(EnvelopeShapeError) {
        guard case .object(let fields) = value else { throw .wrongType("result") }
        self.init(id: try Self.string(fields, "id"), uploadURL: try Self.string(fields, "uploadURL"))
    }

    private static func string(_ fields: [String: JSONValue], _ key: String) throws(EnvelopeShapeError) -> String {
        switch fields[key] {
        case .string(let value)?: return value
        case nil: throw .missing("result.\(key)")
        default: throw .wrongType("result.\(key)")
        }
    }
}
