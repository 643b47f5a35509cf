/// One HTTP request for ``HTTPClient/send(_:)``.
public struct HTTPClientRequest: Sendable, CustomStringConvertible {
    /// What goes in the request body.
    public enum Body: Sendable {
        case none
        /// Raw bytes; set a `Content-Type` header yourself.
        case bytes([UInt8])
        /// A `multipart/form-data` body; the client sets the `Content-Type` (with its boundary).
        case multipart(MultipartForm)
    }

    /// The method token, e.g. `GET`, `POST`, `PATCH`, `DELETE`.
    public var method: String
    /// An absolute `http://` or `https://` URL.
    public var url: String
    public var headers: HTTPHeaders
    public var body: Body
    /// How long to wait for the TCP (and TLS) connection; nil uses the client's default.
    public var connectTimeout: Duration?
    /// The bound on the whole transfer, connect included; nil uses the client's default.
    public var timeout: Duration?

    public init(
        method: String = "GET",
        url: String,
        headers: HTTPHeaders = [:],
        body: Body = .none,
        connectTimeout: Duration? = nil,
        timeout: Duration? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.timeout = timeout
    }

    /// Method and URL only: headers may carry credentials and bodies may be large.
    public var description: String { "\(method) \(url)" }
}
