import Logging
import Synchronization
import Timekeeping

#if canImport(Glibc)
    import Glibc
#endif

/// An HTTP/1.1 server on non-blocking POSIX sockets: a fixed set of epoll event loops (one per core by default)
/// run every connection, and each request's `Handler` runs as a task whose executor is its connection's loop
/// (unless the ``Responder``'s `ImmediateHandler` answered it on the loop first).
///
/// ```swift
/// let server = HTTPServer(configuration: .init(port: 8000), logger: logger, responder: router.responder)
/// try server.start()
/// await TerminationSignal.wait()
/// await server.shutdown()
/// ```
public final class HTTPServer: Sendable {
    public let configuration: Configuration
    let context: ServerContext
    private let lifecycle = Lifecycle()

    /// - Parameters:
    ///   - observer: told about every answered request (method, status, route pattern, duration).
    ///   - accessLogWriter: writes the access log (when `configuration.accessLog` is on) instead of `logger`.
    ///   - responder: what answers each request (its immediate handler first, on the loop thread).
    public init(
        configuration: Configuration, logger: Logger, observer: RequestObserver? = nil,
        accessLogWriter: AccessLogWriter? = nil, responder: Responder
    ) {
        self.configuration = configuration
        self.context = ServerContext(
            configuration: configuration, responder: responder, logger: logger, observer: observer,
            accessLogWriter: accessLogWriter)
    }

    /// A server whose every request runs `handler`.
    public convenience init(
        configuration: Configuration, logger: Logger, observer: RequestObserver? = nil,
        accessLogWriter: AccessLogWriter? = nil, handler: @escaping Handler
    ) {
        self.init(
            configuration: configuration, logger: logger, observer: observer, accessLogWriter: accessLogWriter,
            responder: Responder(handler: handler))
    }

    /// Raises the process's open-file limit to its hard limit, binds, listens and starts the event loops. Throws a
    /// `SocketError` (e.g. "Address already in use").
    public func start() throws {
        let descriptors = try lifecycle.state.withLock { state -> Int in
            guard case .idle = state.phase else { throw SocketError("start: server already started", code: EALREADY) }
            signal(SIGPIPE, SIG_IGN)
            let descriptors = FileDescriptorLimit.raiseSoftToHard()
            let (listener, port) = try Socket.listen(host: configuration.host, port: configuration.port)
            var loops: [EventLoop] = []
            do {
                for index in 0..<configuration.eventLoopCount {
                    loops.append(
                        try EventLoop(index: index, context: context) { [lifecycle] in lifecycle.loopStopped() })
                }
            } catch {
                close(listener)
                throw error
            }
            loops[0].listener = listener
            loops[0].peers = loops
            state = Lifecycle.State(phase: .running, loops: loops, port: port, runningLoops: loops.count)
            return descriptors
        }
        let loops = lifecycle.state.withLock { $0.loops }
        for loop in loops { loop.start() }
        loops[0].execute { loops[0].startAccepting() }
        context.logger.info(
            "HTTP server listening",
            metadata: [
                "http.host": .string(configuration.host), "http.port": .stringConvertible(localPort),
                "http.event_loops": .stringConvertible(loops.count),
                "http.max_connections": .stringConvertible(configuration.maxConnections),
                "process.open_file_limit": .stringConvertible(descriptors),
            ])
        if configuration.maxConnections > FileDescriptorLimit.connectionAllowance(descriptors: descriptors) {
            context.logger.warning(
                "maxConnections leaves little room below the open-file limit",
                metadata: [
                    "http.max_connections": .stringConvertible(configuration.maxConnections),
                    "process.open_file_limit": .stringConvertible(descriptors),
                ])
        }
    }

    /// The bound port (the chosen one when configured with port 0); 0 before `start()`.
    public var localPort: Int { lifecycle.state.withLock { $0.port } }

    /// Live counters: open connections, in-flight requests, buffered bodies, totals.
    public var stats: ServerStats {
        var stats = context.counters.snapshot
        stats.bufferedBodyBytes = context.bodyBudget.reserved
        return stats
    }

    /// Stops accepting, closes idle keep-alive connections, lets in-flight requests finish (for at most
    /// `shutdownGracePeriod`, then their connections are closed and their tasks cancelled), and returns once every
    /// event loop has stopped.
    public func shutdown() async {
        let loops = lifecycle.state.withLock { state -> [EventLoop] in
            switch state.phase {
            case .idle:
                state.phase = .stopped
                return []
            case .running:
                state.phase = .stopping
                return state.loops
            case .stopping, .stopped:
                return []
            }
        }
        if !loops.isEmpty {
            context.logger.info("HTTP server shutting down", metadata: ["http.port": .stringConvertible(localPort)])
            let deadline = MonotonicClock.nanoseconds() &+ configuration.shutdownGracePeriod.wholeNanoseconds
            context.stopping.store(true, ordering: .releasing)
            for loop in loops { loop.execute { loop.beginShutdown(deadline: deadline) } }
        }
        await waitUntilStopped()
    }

    /// Returns once the server has stopped (at once if it never started).
    public func waitUntilStopped() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = lifecycle.state.withLock { state -> Bool in
                switch state.phase {
                case .idle, .stopped: return true
                case .running, .stopping:
                    state.waiters.append(continuation)
                    return false
                }
            }
            if resumeNow { continuation.resume() }
        }
    }
}

/// The server's run state, shared with the loops (which report when they stop) without retaining the server.
final class Lifecycle: Sendable {
    enum Phase {
        case idle, running, stopping, stopped
    }

    struct State {
        var phase: Phase = .idle
        var loops: [EventLoop] = []
        var port = 0
        var runningLoops = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    let state = Mutex(State())

    func loopStopped() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.runningLoops -= 1
            guard state.runningLoops == 0 else { return [] }
            state.phase = .stopped
            state.loops = []
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
