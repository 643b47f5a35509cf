import HTTPFields
import JSON

/// An error that knows how it should be answered. The router catches these and returns `response`;
/// any other error becomes a 500 with no detail (and is logged).
public protocol HTTPResponseError: Error {
    var response: Response { get }
}

/// A plain error answered as `{"detail": message}` with the given status.
public struct HTTPError: HTTPResponseError, CustomStringConvertible {
    public let status: HTTPStatus
    public let message: String
    public var extraHeaders: HTTPHeaders

    public init(_ status: HTTPStatus, _ message: String, headers: HTTPHeaders = HTTPHeaders()) {
        self.status = status
        self.message = message
        self.extraHeaders = headers
    }

    public var response: Response {
        var response = Response.json(status, bytes: Self.detailBody(message))
        for field in extraHeaders { response.headers[field.name] = field.value }
        return response
    }

    /// `{"detail": message}` (DRF's error shape): the one place that body is written, for every layer.
    public static func detailBody(_ message: String) -> [UInt8] {
        var writer = JSONWriter(capacity: message.utf8.count + 16)
        writer.beginObject()
        writer.key("detail")
        writer.string(message)
        writer.endObject()
        return writer.bytes
    }

    public var description: String { "\(status.code) \(message)" }
}
