import HTTPFields
import HTTPServer
import JSON

/// An error answered with a ready JSON body: DRF's `{"detail": ...}`, the toolkit's `{"error": ...}`, field errors,
/// or any other shape. Handlers throw it; the router turns it into its `response`.
struct ErrorResponse: HTTPResponseError, CustomStringConvertible {
    let status: HTTPStatus
    let body: [UInt8]
    var headers: HTTPHeaders

    init(_ status: HTTPStatus, body: [UInt8], headers: HTTPHeaders = HTTPHeaders()) {
        self.status = status
        self.body = body
        self.headers = headers
    }

    var response: Response {
        var response = Response.json(status, bytes: body)
        for field in headers { response.headers[field.name] = field.value }
        return response
    }

    var description: String { "\(status.code) \(String(decoding: body, as: UTF8.self))" }

    /// `{"detail": message}`, DRF's shape for authentication, permission, 404 and parse errors.
    static func detail(_ status: HTTPStatus, _ message: String, headers: HTTPHeaders = HTTPHeaders()) -> ErrorResponse {
        ErrorResponse(status, body: HTTPError.detailBody(message), headers: headers)
    }

    /// `{"error": message}`, the toolkit's shape for service (Cloudflare) failures.
    static func error(_ status: HTTPStatus, _ message: String, headers: HTTPHeaders = HTTPHeaders()) -> ErrorResponse {
        ErrorResponse(status, body: singleKey("error", message), headers: headers)
    }

    /// `{"<key>": "<message>"}` with a bare string value (the reference's metadata lookup errors).
    static func bare(_ key: String, _ message: String) -> ErrorResponse {
        ErrorResponse(.badRequest, body: singleKey(key, message))
    }

    static let imageNotFound = detail(.notFound, "No CloudflareImage matches the given query.")
    static let notFound = detail(.notFound, "Not found.")
    static let permissionDenied = detail(.forbidden, "You do not have permission to perform this action.")

    private static func singleKey(_ key: String, _ value: String) -> [UInt8] {
        var writer = JSONWriter(capacity: 64)
        writer.beginObject()
        writer.key(key)
        writer.string(value)
        writer.endObject()
        return writer.bytes
    }
}
