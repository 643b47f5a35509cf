import HTTPFields

/// Why a request could not be read. Every case is answered with its `status` and the connection is closed.
enum HTTPParseError: Error, Equatable, Sendable {
    /// Malformed syntax or a request-smuggling shape (400).
    case badRequest(String)
    /// The request line exceeds `maxRequestLineLength` (414).
    case requestLineTooLong
    /// The header block (or chunked trailer section) exceeds its byte or field-count limit (431).
    case headersTooLarge
    /// The body exceeds the request's body limit (413).
    case bodyTooLarge
    /// An HTTP version other than 1.0 and 1.1 (505).
    case unsupportedVersion
    /// An `Expect` other than `100-continue` (417).
    case unsupportedExpectation
    /// The body would take the bodies buffered for unhandled requests past `maxBufferedBodyBytes` (503, with
    /// `Retry-After`).
    case bodyBufferFull

    var status: HTTPStatus {
        switch self {
        case .badRequest: return .badRequest
        case .requestLineTooLong: return .uriTooLong
        case .headersTooLarge: return .requestHeaderFieldsTooLarge
        case .bodyTooLarge: return .payloadTooLarge
        case .unsupportedVersion: return .httpVersionNotSupported
        case .unsupportedExpectation: return .expectationFailed
        case .bodyBufferFull: return .serviceUnavailable
        }
    }

    /// The `detail` sent to the client: fixed text, never an echo of the input.
    var detail: String {
        switch self {
        case .badRequest: return "Bad request."
        case .requestLineTooLong: return "Request line too long."
        case .headersTooLarge: return "Request header fields too large."
        case .bodyTooLarge: return "Request body too large."
        case .unsupportedVersion: return "HTTP version not supported."
        case .unsupportedExpectation: return "Expectation not supported."
        case .bodyBufferFull: return "Server busy, retry shortly."
        }
    }

    /// Header fields sent with the answer besides the server's own.
    var headers: HTTPHeaders {
        self == .bodyBufferFull ? ["Retry-After": "1"] : HTTPHeaders()
    }
}
