import Foundation
import HTTPFields
import HTTPServer
import JSON

/// Reads a request body as DRF's parsers do: JSON or `application/x-www-form-urlencoded`, an empty body as `{}`,
/// and a top-level value that must be an object. Bodies over `limit` bytes answer 413.
enum RequestBody {
    /// Largest body the API reads.
    static let defaultLimit = 1 << 20

    static func object(_ request: Request, limit: Int = defaultLimit) throws(ErrorResponse) -> [String: JSONValue] {
        if request.body.count > limit {
            throw ErrorResponse.detail(.payloadTooLarge, "Request body exceeds \(limit) bytes.")
        }
        if request.body.isEmpty { return [:] }
        let contentType = request.headers["Content-Type"] ?? ""
        let mediaType =
            contentType.split(separator: ";", maxSplits: 1).first
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let value: JSONValue
        switch mediaType {
        case "application/json":
            do {
                value = try JSONValue.parse(request.body)
            } catch {
                throw ErrorResponse.detail(.badRequest, "JSON parse error - \(error.reason)")
            }
        case "application/x-www-form-urlencoded":
            value = .object(form(request.bodyText))
        default:
            throw ErrorResponse.detail(.unsupportedMediaType, "Unsupported media type \"\(contentType)\" in request.")
        }
        switch value {
        case .object(let members):
            return members
        case .null:
            throw FieldErrors.nonField("No data provided")
        default:
            throw FieldErrors.nonField("Invalid data. Expected a dictionary, but got \(value.pythonTypeName).")
        }
    }

    /// Form fields as strings; a repeated name becomes a list.
    static func form(_ text: String) -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for (name, value) in QueryParameters(parsing: Substring(text)) {
            switch result[name] {
            case nil: result[name] = .string(value)
            case .array(let items)?: result[name] = .array(items + [.string(value)])
            case let existing?: result[name] = .array([existing, .string(value)])
            }
        }
        return result
    }
}

extension FieldErrors {
    /// A 400 with one message on one field: `{"field": ["message"]}`.
    static func field(_ name: String, _ message: String) -> ErrorResponse {
        var errors = FieldErrors()
        errors.add(name, message)
        return errors.error
    }

    /// A 400 with one `non_field_errors` message.
    static func nonField(_ message: String) -> ErrorResponse {
        var errors = FieldErrors()
        errors.addNonField(message)
        return errors.error
    }
}
