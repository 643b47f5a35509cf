import HTTPFields

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

    /// A numeric address and port every connection of the request goes to, whatever the URL's host resolves to.
    public struct ConnectTarget: Sendable, Equatable {
        /// An IPv4 or IPv6 literal, without brackets.
        public var address: String
        public var port: Int

        public init(address: String, port: Int) {
            self.address = address
            self.port = port
        }
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
    /// Aborts the transfer with ``HTTPClientError/responseTooLarge(limit:)`` as soon as the body passes this many
    /// bytes (at once when a `Content-Length` announces more); nil reads bodies of any size.
    public var maxResponseBytes: Int?
    /// Whether to send `Accept-Encoding` and decode gzip, deflate, br or zstd bodies. When false the body is
    /// returned exactly as sent, whatever its `Content-Encoding`.
    public var decompressesResponse = true
    /// Pins the connection (libcurl `CURLOPT_CONNECT_TO` for every host and port) to an address the caller has
    /// checked, so a second DNS answer cannot send it elsewhere. It also bypasses any proxy and opens a fresh
    /// connection that is not reused. TLS still verifies the URL's host name.
    public var connectTarget: ConnectTarget?

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
