import Logging
import Synchronization
import Timekeeping

/// What every event loop shares: the configuration, the application's responder, the logger and the counters.
final class ServerContext: Sendable {
    let configuration: HTTPServer.Configuration
    let responder: Responder
    /// The responder's immediate handler (its answers finished), kept apart so the loop reads one stored property per
    /// request.
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
        configuration: HTTPServer.Configuration, responder: Responder, logger: Logger, observer: RequestObserver? = nil,
        accessLogWriter: AccessLogWriter? = nil
    ) {
        self.configuration = configuration
        self.bodyBudget = BodyBudget(cap: configuration.maxBufferedBodyBytes)
        self.responder = responder
        self.immediate = responder.finishedImmediate
        self.logger = logger
        self.observer = observer
        self.accessLogWriter = accessLogWriter
        self.timesRequests = configuration.accessLog || observer != nil
    }

    /// Runs the handler, through the one error boundary (``Responder``).
    func respond(to request: Request) async -> Response {
        await responder.answer(request, logger: logger)
    }
}

#if canImport(Glibc)
    import Glibc
#endif
