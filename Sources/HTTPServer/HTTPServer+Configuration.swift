import Foundation

extension HTTPServer {
    /// How the server listens, how many event loops it runs, and the limits it puts on every connection.
    public struct Configuration: Sendable {
        /// Address to bind: numeric IPv4/IPv6 or a name (`0.0.0.0` for every interface).
        public var host: String
        /// Port to bind; 0 picks a free one (read it back from `HTTPServer.localPort`).
        public var port: Int
        /// Event loop threads; one per active core by default, at least 1.
        public var eventLoopCount: Int
        /// Longest request line accepted; longer answers 414.
        public var maxRequestLineLength: Int
        /// Largest header block (bytes after the request line) accepted; larger answers 431.
        public var maxHeaderBytes: Int
        /// Most header fields accepted; more answers 431.
        public var maxHeaderCount: Int
        /// Largest request body accepted (declared or de-chunked) when `bodyLimit` is nil; larger answers 413.
        public var maxBodyBytes: Int
        /// Each request's body limit, from its method and raw (still percent-encoded) path, consulted once its head
        /// is parsed and before any of its body is read: a `Content-Length` over it answers 413 at once (the body is
        /// never read), a chunked body as soon as its de-chunked size would pass it. Nil: `maxBodyBytes` for all.
        public var bodyLimit: (@Sendable (_ method: HTTPMethod, _ rawPath: String) -> Int)?
        /// Most body bytes held at once, over all connections, for requests not yet handed to a handler. A body that
        /// would take the total past it (its declared length, or a chunk's size as it arrives) answers
        /// `503 Service Unavailable` with `Retry-After: 1` and the connection closes.
        public var maxBufferedBodyBytes: Int
        /// Time allowed to receive a whole request head once its first byte arrived. Expiry answers 408 and closes.
        public var headerTimeout: Duration
        /// Time allowed to receive a whole request body once its head is in. Expiry answers 408 and closes.
        public var bodyTimeout: Duration
        /// How long a connection may sit without a request (a new one before its first byte, a keep-alive one
        /// between requests), and how long a stalled response write may wait for the client, before it is closed
        /// silently.
        public var idleTimeout: Duration
        /// Open connections allowed; connections beyond are accepted, sent a short `503` and closed at once. The
        /// default leaves room below the open-file limit (raised to its hard limit by `start()`) for everything else
        /// the process opens: ``FileDescriptorLimit/defaultMaxConnections``.
        public var maxConnections: Int
        /// How long `shutdown()` lets in-flight requests run before closing their connections.
        public var shutdownGracePeriod: Duration
        /// One info-level log line per request (method, path, status, bytes, duration, request id).
        public var accessLog: Bool

        public init(
            host: String = "127.0.0.1",
            port: Int = 0,
            eventLoopCount: Int = max(1, ProcessInfo.processInfo.activeProcessorCount),
            maxRequestLineLength: Int = 8 * 1024,
            maxHeaderBytes: Int = 32 * 1024,
            maxHeaderCount: Int = 100,
            maxBodyBytes: Int = 16 * 1024 * 1024,
            bodyLimit: (@Sendable (_ method: HTTPMethod, _ rawPath: String) -> Int)? = nil,
            maxBufferedBodyBytes: Int = 64 * 1024 * 1024,
            headerTimeout: Duration = .seconds(20),
            bodyTimeout: Duration = .seconds(60),
            idleTimeout: Duration = .seconds(60),
            maxConnections: Int = FileDescriptorLimit.defaultMaxConnections,
            shutdownGracePeriod: Duration = .seconds(10),
            accessLog: Bool = true
        ) {
            self.host = host
            self.port = port
            self.eventLoopCount = max(1, eventLoopCount)
            self.maxRequestLineLength = maxRequestLineLength
            self.maxHeaderBytes = maxHeaderBytes
            self.maxHeaderCount = maxHeaderCount
            self.maxBodyBytes = maxBodyBytes
            self.bodyLimit = bodyLimit
            self.maxBufferedBodyBytes = maxBufferedBodyBytes
            self.headerTimeout = headerTimeout
            self.bodyTimeout = bodyTimeout
            self.idleTimeout = idleTimeout
            self.maxConnections = max(1, maxConnections)
            self.shutdownGracePeriod = shutdownGracePeriod
            self.accessLog = accessLog
        }

        var parserLimits: HTTPRequestParser.Limits {
            HTTPRequestParser.Limits(
                requestLineLength: maxRequestLineLength, headerBytes: maxHeaderBytes,
                headerCount: maxHeaderCount, bodyBytes: maxBodyBytes, bodyLimit: bodyLimit
            )
        }
    }
}
