import HTTPFields

/// A request line and header block that passed validation, with the framing decisions the server acts on.
struct RequestHead: Sendable {
    /// How the request body is delimited (RFC 9112 §6.3).
    enum Framing: Equatable, Sendable {
        case none
        case length(Int)
        case chunked
    }

    var method: HTTPMethod
    var target: String
    var version: (major: Int, minor: Int)
    var headers: HTTPHeaders
    /// HTTP/1.1 unless `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`.
    var keepAlive: Bool
    /// `Expect: 100-continue` on an HTTP/1.1 request.
    var expectContinue: Bool
    var framing: Framing
}
