import Logging

/// An async HTTP/1.1 and HTTP/2 client over libcurl's multi interface.
///
/// One dedicated thread drives every transfer with `curl_multi_poll`/`curl_multi_perform`, so hundreds of
/// requests can be in flight without a thread each, and connections are reused from the multi handle's cache.
/// Create one per process (or per API client) and keep it; deinit stops the thread. Redirects are not followed;
/// HTTPS verifies peers against the system CA store.
public final class HTTPClient: Sendable {
    /// Client-wide limits and defaults.
    public struct Configuration: Sendable {
        /// Connect timeout for requests that do not set their own.
        public var connectTimeout: Duration
        /// Total timeout for requests that do not set their own.
        public var timeout: Duration
        /// Concurrent connections to one host; further transfers queue inside libcurl. 0 means unlimited.
        public var maxConnectionsPerHost: Int
        /// Idle connections kept for reuse.
        public var maxCachedConnections: Int
        public var userAgent: String?
        /// Name of the driver thread (as `ps -L` and `/proc/self/task/*/comm` show it; at most 15 bytes are kept).
        public var threadName: String

        public init(
            connectTimeout: Duration = .seconds(10),
            timeout: Duration = .seconds(60),
            maxConnectionsPerHost: Int = 32,
            maxCachedConnections: Int = 64,
            userAgent: String? = "cfimages",
            threadName: String = "cfi-http-client"
        ) {
            self.connectTimeout = connectTimeout
            self.timeout = timeout
            self.maxConnectionsPerHost = maxConnectionsPerHost
            self.maxCachedConnections = maxCachedConnections
            self.userAgent = userAgent
            self.threadName = threadName
        }
    }

    public let configuration: Configuration
    private let loop: CurlMultiLoop
    private let logger: Logger

    public init(
        configuration: Configuration = Configuration(), logger: Logger = Logger(label: "cfimages.http-client")
    ) throws {
        try CurlGlobal.ensureInitialized()
        self.configuration = configuration
        self.logger = logger
        loop = try CurlMultiLoop(
            maxConnectionsPerHost: configuration.maxConnectionsPerHost,
            maxCachedConnections: configuration.maxCachedConnections,
            threadName: configuration.threadName
        )
    }

    deinit {
        loop.shutdown()
    }

    /// Sends `request` and returns the complete response, whatever its status.
    ///
    /// Throws ``HTTPClientError`` when no response arrived, and `CancellationError` if the task is cancelled
    /// (the transfer is then removed and its connection closed).
    public func send(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        try Task.checkCancellation()
        let transfer = try CurlTransfer(request, defaults: configuration)
        logger.trace("HTTP request", metadata: ["method": "\(request.method)", "url": "\(request.url)"])
        let response = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation {
                (continuation: CheckedContinuation<HTTPClientResponse, any Error>) in
                if transfer.attach(continuation) { loop.enqueue(transfer) }
            }
        } onCancel: {
            loop.cancel(transfer)
        }
        logger.trace("HTTP response", metadata: ["url": "\(request.url)", "status": "\(response.status)"])
        return response
    }
}
