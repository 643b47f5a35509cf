import CLinux
import Logging
import Synchronization

/// What every event loop shares: the configuration, the application's handler, the logger and the counters.
final class ServerContext: Sendable {
    let configuration: HTTPServer.Configuration
    let handler: Handler
    let immediate: ImmediateHandler?
    let logger: Logger
    let counters = ServerCounters()
    /// Bodies buffered for requests not yet handed to a handler, bounded by `maxBufferedBodyBytes`.
    let bodyBudget: BodyBudget
    /// Set by `shutdown()` before any loop hears of it, so a response finishing on a loop that has not yet run its
    /// shutdown step still says `Connection: close`.
    let stopping = Atomic<Bool>(false)
    let observer: RequestObserver?
    let accessLogWriter: AccessLogWriter?
    /// Whether requests are timed (for the access log or the observer).
    let timesRequests: Bool

    init(
        configuration: HTTPServer.Configuration, handler: @escaping Handler, immediate: ImmediateHandler? = nil,
        logger: Logger, observer: RequestObserver? = nil, accessLogWriter: AccessLogWriter? = nil
    ) {
        self.configuration = configuration
        self.bodyBudget = BodyBudget(cap: configuration.maxBufferedBodyBytes)
        self.handler = handler
        self.immediate = immediate
        self.logger = logger
        self.observer = observer
        self.accessLogWriter = accessLogWriter
        self.timesRequests = configuration.accessLog || observer != nil
    }

    /// Runs the handler. An `HTTPResponseError` becomes its response; anything else is logged with the request id
    /// and answered with a 500 that reveals nothing.
    func respond(to request: Request) async -> Response {
        do {
            return try await handler(request)
        } catch let error as any HTTPResponseError {
            return error.response
        } catch {
            logger.error("Unhandled error in request handler", metadata: [
                "request_id": .string(request.requestID),
                "http.method": .string(request.method.rawValue),
                "http.path": .string(request.rawPath),
                "error": .string(String(describing: error)),
            ])
            return HTTPError(.internalServerError, "Internal server error.").response
        }
    }
}

/// Monotonic clock in nanoseconds (CLinux's, shared with the database pool).
@inline(__always)
func monotonicNanoseconds() -> UInt64 { clinux_monotonic_nanoseconds() }

#if canImport(Glibc)
import Glibc
#endif
