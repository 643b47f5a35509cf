import CLinux
import HTTPFields
import Synchronization
import Timekeeping

#if canImport(Glibc)
    import Glibc
#endif

/// One client connection: reads into the parser, runs one request at a time (pipelined requests wait their turn,
/// so answers go out in order), writes responses, and enforces the timeouts.
///
/// Confined to its event loop's thread; `@unchecked Sendable` only so handler tasks (which run on that loop as
/// their executor) can carry it back to `complete`.
final class Connection: @unchecked Sendable {
    enum State {
        /// Reading and parsing; no request with the handler.
        case reading
        /// A handler is running for the current request.
        case handling
        /// A ``ResponseStream`` is writing the body of the last response; then the connection closes.
        case streaming
        /// The last response is being written; then the write side is shut.
        case closing
        /// Write side shut; discarding input until the peer closes, so unread input cannot reset the connection
        /// before the client has read our last response.
        case lingering
        case closed
    }

    /// Which timeout applies while reading.
    enum Phase {
        case none, idle, head, body
    }

    /// What the response to the current request needs to know about it.
    struct Exchange: Sendable {
        var method: HTTPMethod
        var rawPath: String
        var minorVersion: Int
        var keepAlive: Bool
        var requestID: String
        var startedAt: UInt64
    }

    /// Stop reading ahead once this much input waits behind a running request.
    static let readHighWater = 256 * 1024
    /// Stop starting new requests while this much output waits for the client.
    static let outputHighWater = 256 * 1024
    /// How long a closing connection waits for the peer's FIN after our last response.
    static let lingerNanoseconds: UInt64 = 2_000_000_000

    let fd: Int32
    let remoteAddress: String
    unowned let loop: EventLoop
    var parser: HTTPRequestParser
    var output: [UInt8] = []
    var outputStart = 0
    private(set) var state: State = .reading
    private var phase: Phase = .none
    private var deadline: UInt64 = 0
    private var peerClosed = false
    private var readPaused = false
    private var outputBlocked = false
    private var closeRequested = false
    private var requestsServed = 0
    private var handlerTask: Task<Void, Never>?
    private var streamSink: ResponseStream.Sink?
    private var streamTask: Task<Void, Never>?
    /// The current answer is held (``Response/later(_:)``): a client that leaves meanwhile is not waited for.
    private var holding = false
    /// Ends the wait of a held answer whose callback has not come yet (``Response/later(after:_:)``).
    private var withdrawHeld: Response.Withdraw?
    /// Queued on the loop's end-of-iteration flush (see `EventLoop.flushLater`).
    private var flushScheduled = false

    init(fd: Int32, remoteAddress: String, loop: EventLoop) {
        self.fd = fd
        self.remoteAddress = remoteAddress
        self.loop = loop
        self.parser = HTTPRequestParser(
            limits: loop.context.configuration.parserLimits, budget: loop.context.bodyBudget)
        updatePhase()
    }

    var pendingOutput: Int { output.count - outputStart }

    // MARK: Events

    func handle(events: UInt32) {
        if events & EPOLLOUT.rawValue != 0, outputBlocked { onWritable() }
        let readable = EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue
        if events & readable != 0 { readAvailable(untilDrained: events & EPOLLRDHUP.rawValue != 0) }
    }

    /// Reads until the socket is drained (edge-triggered), feeding the parser as bytes arrive.
    private func readAvailable(untilDrained: Bool = true) {
        let buffer = loop.readBuffer
        while state != .closed {
            if state != .lingering, state != .reading || pendingOutput >= Connection.outputHighWater,
                parser.bufferedCount >= Connection.readHighWater
            {
                readPaused = true
                return
            }
            let count = recv(fd, buffer.baseAddress, buffer.count, 0)
            if count > 0 {
                if state == .lingering { continue }
                parser.append(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
                if state == .reading { processInput() }
                if count < buffer.count, !untilDrained { break }
            } else if count == 0 {
                peerClosed = true
                break
            } else {
                let code = errno
                if code == EINTR { continue }
                if code == EAGAIN || code == EWOULDBLOCK { break }
                close()
                return
            }
        }
        switch state {
        case .lingering where peerClosed: close()
        // The end of a client's input while its answer waits (held, or a stream of events) means it left, as nginx
        // and Go take it: the wait is withdrawn instead of running to its end for nobody.
        case .handling where peerClosed && holding, .streaming where peerClosed: close()
        case .reading: processInput()
        default: break
        }
    }

    private func onWritable() {
        flush()
        if state == .reading, !outputBlocked { resumeInput() }
    }

    private func resumeInput() {
        if readPaused {
            readPaused = false
            readAvailable()
        } else {
            processInput()
        }
    }

    // MARK: Requests

    /// Parses and starts buffered requests while the connection is free to take one. Answers given at once are
    /// sent together at the end of the loop's iteration (one write for a pipelined batch).
    private func processInput() {
        defer {
            if pendingOutput > 0, !outputBlocked, !flushScheduled, state == .reading || state == .handling {
                flushScheduled = true
                loop.flushLater(self)
            }
        }
        while state == .reading, pendingOutput < Connection.outputHighWater {
            switch parser.next() {
            case .needMore:
                updatePhase()
                if peerClosed { finish() }
                return
            case .head(let head):
                updatePhase()
                if head.expectContinue {
                    output.append(contentsOf: Connection.continueLine)
                    flush()
                }
            case .request(let head, let body):
                dispatch(head, body: body)
            case .error(let error):
                respondAndClose(HTTPError(error.status, error.detail, headers: error.headers).response)
                return
            }
        }
    }

    static let continueLine = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// Answers at once when the immediate handler can (the connection stays `.reading` on keep-alive), otherwise
    /// starts the handler's task (`.handling` until `complete`).
    private func dispatch(_ head: RequestHead, body: [UInt8]) {
        state = .handling
        phase = .none
        deadline = 0
        let context = loop.context
        let requestID = RequestIDGenerator.sanitized(head.headers["X-Request-ID"]) ?? loop.requestIDs.next()
        var request = Request(
            method: head.method, target: head.target, headers: head.headers, body: body, version: head.version,
            remoteAddress: remoteAddress, requestID: requestID
        )
        let exchange = Exchange(
            method: head.method, rawPath: request.rawPath, minorVersion: head.version.minor,
            keepAlive: head.keepAlive, requestID: requestID,
            startedAt: context.timesRequests ? MonotonicClock.nanoseconds() : 0
        )
        if let immediate = context.immediate, let response = immediate(&request) {
            answer(response, exchange, flushing: false)
            return
        }
        loop.inFlight += 1
        context.counters.inFlightRequests.add(1, ordering: .relaxed)
        let loop = self.loop
        handlerTask = Task(executorPreference: loop) { [request] in
            let response = await context.respond(to: request)
            loop.execute { self.complete(response, exchange) }
        }
    }

    /// Writes a handler task's response, then goes back to reading (keep-alive) or closes.
    private func complete(_ response: Response, _ exchange: Exchange) {
        requestEnded()
        handlerTask = nil
        holding = false
        guard state == .handling else { return }
        answer(response, exchange, flushing: true)
        if state == .reading, !outputBlocked { resumeInput() }
    }

    /// Queues the response; a last one is flushed and the connection closes, otherwise it reads on (the caller
    /// flushes unless `flushing`).
    private func answer(_ response: Response, _ exchange: Exchange, flushing: Bool) {
        if let pending = response.pending {
            awaitPending(pending, armed: response.armed, exchange)
            return
        }
        if let stream = response.stream, exchange.method != .head, response.status.code >= 200,
            response.status.code != 204, response.status.code != 304
        {
            startStream(response, stream, exchange)
            return
        }
        let close =
            !exchange.keepAlive || closeRequested || loop.shuttingDown
            || loop.context.stopping.load(ordering: .acquiring)
        send(response, exchange, close: close)
        if close {
            state = .closing
            deadline = loop.now + loop.context.configuration.idleTimeout.wholeNanoseconds
            flush()
        } else {
            state = .reading
            phase = .none
            // Bounds a write stalled by a client that stops reading; re-armed once input is processed again.
            deadline = loop.now + loop.context.configuration.idleTimeout.wholeNanoseconds
            if flushing { flush() }
        }
    }

    /// A ``Response/later(_:)`` answer: the connection stays busy while a task of its own (not the handler's, which
    /// has ended) waits for the real answer. An armed one (``Response/later(after:_:)``) has no task until its
    /// callback comes; it counts as in flight all the same.
    private func awaitPending(
        _ pending: @escaping @Sendable () async throws -> Response,
        armed: (@Sendable (_ ready: @escaping @Sendable () -> Void) -> Response.Withdraw)?, _ exchange: Exchange
    ) {
        state = .handling
        holding = true
        loop.inFlight += 1
        loop.context.counters.inFlightRequests.add(1, ordering: .relaxed)
        let loop = self.loop
        let produce = { @Sendable in
            self.withdrawHeld = nil
            guard self.state != .closed else { return self.requestEnded() }
            self.handlerTask = Task(executorPreference: loop) {
                let response = (try? await pending().resolved()) ?? Responder.internalError
                loop.execute { self.complete(response, exchange) }
            }
        }
        if let armed {
            let withdraw = armed { loop.execute(produce) }
            // Kept unless the callback came at once (then `produce` has already run and started the task).
            if handlerTask == nil { withdrawHeld = withdraw }
        } else {
            produce()
        }
        if peerClosed { close() }
    }

    private func requestEnded() {
        loop.inFlight -= 1
        loop.context.counters.inFlightRequests.subtract(1, ordering: .relaxed)
    }

    /// Sends the head, then what `stream` produces as it comes; the connection closes when it ends.
    private func startStream(_ response: Response, _ stream: ResponseStream, _ exchange: Exchange) {
        send(response, exchange, close: true, streaming: true)
        state = .streaming
        deadline = 0
        flush()
        guard state == .streaming else { return }
        if peerClosed { return close() }
        let loop = self.loop
        let sink = ResponseStream.Sink { bytes in loop.execute { self.streamed(bytes) } }
        streamSink = sink
        streamTask = Task(executorPreference: loop) {
            await stream.produce(ResponseStream.Writer(sink: sink))
            loop.execute { self.endStream() }
        }
    }

    /// A chunk of a stream's body; a client that lets unread output pass the high-water mark is cut off.
    private func streamed(_ bytes: [UInt8]) {
        guard state == .streaming else { return }
        guard pendingOutput < Connection.outputHighWater else {
            close()
            return
        }
        output.append(contentsOf: bytes)
        if !outputBlocked { flush() }
    }

    /// Takes no more of the stream, sends what it wrote, and closes.
    private func endStream() {
        streamSink?.end()
        streamSink = nil
        streamTask?.cancel()
        streamTask = nil
        guard state == .streaming else { return }
        state = .closing
        deadline = loop.now + loop.context.configuration.idleTimeout.wholeNanoseconds
        flush()
    }

    /// Answers without a handler (parse errors, 408) and closes.
    private func respondAndClose(_ response: Response) {
        let exchange = Exchange(
            method: HTTPMethod(rawValue: "-"), rawPath: "-", minorVersion: 1, keepAlive: false,
            requestID: loop.requestIDs.next(), startedAt: loop.context.timesRequests ? MonotonicClock.nanoseconds() : 0
        )
        send(response, exchange, close: true)
        state = .closing
        deadline = loop.now + loop.context.configuration.idleTimeout.wholeNanoseconds
        flush()
    }

    private func send(_ response: Response, _ exchange: Exchange, close: Bool, streaming: Bool = false) {
        let bodyBytes = appendResponse(response, exchange, close: close, streaming: streaming)
        requestsServed += 1
        loop.context.counters.requestsServed.add(1, ordering: .relaxed)
        if loop.context.configuration.accessLog { logAccess(response.status.code, bodyBytes, exchange) }
        if let observer = loop.context.observer {
            observer(
                CompletedRequest(
                    method: exchange.method, status: response.status.code, routePattern: response.routePattern,
                    durationNanoseconds: MonotonicClock.nanoseconds() &- exchange.startedAt))
        }
    }

    // MARK: Output

    /// The loop's end-of-iteration flush of answers given at once; then requests still buffered (held back while
    /// output was over its high-water mark) are taken up.
    func flushScheduledOutput() {
        flushScheduled = false
        guard state != .closed, pendingOutput > 0, !outputBlocked else { return }
        flush()
        if state == .reading, !outputBlocked, readPaused || parser.bufferedCount > 0 { resumeInput() }
    }

    /// Writes as much pending output as the socket takes; after the last response, shuts the write side.
    private func flush() {
        while outputStart < output.count {
            let written = output.withUnsafeBytes { bytes in
                Glibc.send(fd, bytes.baseAddress! + outputStart, bytes.count - outputStart, Int32(MSG_NOSIGNAL))
            }
            if written >= 0 {
                outputStart += written
                continue
            }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK {
                outputBlocked = true
                return
            }
            close()
            return
        }
        outputBlocked = false
        output.removeAll(keepingCapacity: output.capacity <= 1 << 20)
        outputStart = 0
        if state == .closing { linger() }
    }

    private func linger() {
        shutdown(fd, Int32(SHUT_WR))
        if peerClosed {
            close()
            return
        }
        state = .lingering
        deadline = loop.now + Connection.lingerNanoseconds
        readAvailable()
    }

    /// Ends a connection whose peer has closed its side or that must stop: pending output first.
    private func finish() {
        state = .closing
        if deadline == 0 { deadline = loop.now + loop.context.configuration.idleTimeout.wholeNanoseconds }
        flush()
    }

    func close() {
        guard state != .closed else { return }
        state = .closed
        parser.releaseReservation()
        handlerTask?.cancel()
        handlerTask = nil
        if let withdraw = withdrawHeld {
            withdrawHeld = nil
            withdraw()
        }
        streamSink?.end()
        streamSink = nil
        streamTask?.cancel()
        streamTask = nil
        loop.unregister(self)
    }

    // MARK: Timeouts and shutdown

    /// Re-arms the read timeout when the connection moves between idle, head and body.
    private func updatePhase() {
        let next: Phase = parser.isReadingBody ? .body : (parser.isAtRequestBoundary ? .idle : .head)
        guard next != phase else { return }
        phase = next
        let configuration = loop.context.configuration
        let timeout: Duration
        switch next {
        // A new connection that has sent nothing yet is idle, not a slow head: clients open pools of connections
        // ahead of need. The header timeout starts with the first byte of a request.
        case .idle: timeout = configuration.idleTimeout
        case .head: timeout = configuration.headerTimeout
        case .body: timeout = configuration.bodyTimeout
        case .none: return
        }
        deadline = loop.now + timeout.wholeNanoseconds
    }

    func checkDeadline(_ now: UInt64) {
        guard deadline != 0, now >= deadline else { return }
        deadline = 0
        switch state {
        case .reading where phase == .head || phase == .body:
            respondAndClose(HTTPError(.requestTimeout, "Request timeout.").response)
        case .reading, .closing, .lingering:
            close()
        case .handling, .streaming, .closed:
            break
        }
    }

    /// Server shutdown: an idle connection closes now; a busy one closes after its current response; a stream ends
    /// with what it has written.
    func shutdownRequested() {
        closeRequested = true
        if state == .streaming { endStream() }
        if state == .reading, parser.isAtRequestBoundary, pendingOutput == 0 { close() }
    }
}
