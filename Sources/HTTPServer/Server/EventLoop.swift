import CLinux
import Dispatch
import Foundation
import Logging
import Synchronization
import Timekeeping

#if canImport(Glibc)
    import Glibc
#endif

/// One reactor thread: epoll over its connections (loop 0 also owns the listening socket and hands accepted
/// connections out round-robin), an eventfd to wake it from other threads, and a job queue that makes it a Swift
/// `TaskExecutor`. Handler tasks are started with this loop as their executor preference, so a handler that never
/// suspends runs start to finish on the loop thread and its response is written without a thread hop; one that
/// suspends resumes here through the job queue.
///
/// Everything except the queue and the thread id is confined to the loop thread.
final class EventLoop: TaskExecutor, @unchecked Sendable {
    enum Work {
        case job(UnownedJob)
        case closure(@Sendable () -> Void)
    }

    struct Queue {
        var work: [Work] = []
        var wakePending = false
        var stopped = false
    }

    let index: Int
    let context: ServerContext
    private let epollFD: Int32
    private let wakeFD: Int32
    private let queue = Mutex(Queue())
    private let threadID = Atomic<UInt>(0)
    /// Runs work that arrives after the loop thread has exited (e.g. a handler still finishing past the grace period).
    private let fallback: DispatchQueue
    private let onStop: @Sendable () -> Void

    // Loop-confined state.
    private var spare: [Work] = []
    private var connections: [Connection?] = []
    /// Connections with answers to write once this iteration's events are handled, and the array swapped with it.
    private var flushQueue: [Connection] = []
    private var flushing: [Connection] = []
    /// Set while `flushQueued` runs: connections queued meanwhile (input taken up after a flush) wait for its next
    /// round rather than starting a nested one.
    private var isFlushing = false
    private(set) var connectionCount = 0
    var inFlight = 0
    var listener: Int32 = -1
    var peers: [EventLoop] = []
    private var nextPeer = 0
    private var acceptPausedUntil: UInt64 = 0
    private(set) var now: UInt64 = MonotonicClock.nanoseconds()
    var dateCache = DateCache()
    var requestIDs = RequestIDGenerator()
    let readBuffer: UnsafeMutableRawBufferPointer
    private(set) var shuttingDown = false
    private var graceDeadline: UInt64 = 0
    private var nextSweep: UInt64 = 0
    private let sweepInterval: UInt64

    init(index: Int, context: ServerContext, onStop: @escaping @Sendable () -> Void) throws {
        self.index = index
        self.context = context
        self.onStop = onStop
        fallback = DispatchQueue(label: "HTTPServer.EventLoop\(index).fallback")
        readBuffer = .allocate(byteCount: 64 * 1024, alignment: 16)
        let configuration = context.configuration
        let shortest = min(configuration.headerTimeout, configuration.bodyTimeout, configuration.idleTimeout)
            .wholeNanoseconds
        sweepInterval = min(max(shortest / 5, 5_000_000), 250_000_000)

        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epollFD >= 0 else {
            readBuffer.deallocate()
            throw SocketError("epoll_create1")
        }
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
        guard wakeFD >= 0 else {
            let error = SocketError("eventfd")
            close(epollFD)
            readBuffer.deallocate()
            throw error
        }
        guard add(wakeFD, events: EPOLLIN.rawValue) else {
            let error = SocketError("epoll_ctl(eventfd)")
            close(epollFD)
            close(wakeFD)
            readBuffer.deallocate()
            throw error
        }
    }

    deinit {
        readBuffer.deallocate()
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.start()
    }

    /// The calling thread's name (for tests and diagnostics).
    static func currentThreadName() -> String {
        var name = [CChar](repeating: 0, count: 32)
        _ = clinux_get_thread_name(&name)
        return String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    var inLoopThread: Bool { threadID.load(ordering: .relaxed) == UInt(bitPattern: Int(bitPattern: pthread_self())) }

    // MARK: TaskExecutor and cross-thread work

    func enqueue(_ job: consuming ExecutorJob) {
        submit(.job(UnownedJob(job)))
    }

    /// Runs `body` on the loop thread: at once when already there, else queued (waking the loop).
    func execute(_ body: @escaping @Sendable () -> Void) {
        if inLoopThread { body() } else { submit(.closure(body)) }
    }

    private func submit(_ work: Work) {
        let onLoop = inLoopThread
        let stopped = queue.withLock { queue -> Bool in
            if queue.stopped { return true }
            queue.work.append(work)
            if !onLoop, !queue.wakePending {
                queue.wakePending = true
                var one: UInt64 = 1
                _ = write(wakeFD, &one, 8)
            }
            return false
        }
        if stopped { runLater(work) }
    }

    private func runLater(_ work: Work) {
        switch work {
        case .job(let job): fallback.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
        case .closure(let body): fallback.async(execute: body)
        }
    }

    private func runQueuedWork() {
        queue.withLock { queue in
            swap(&queue.work, &spare)
            queue.wakePending = false
        }
        guard !spare.isEmpty else { return }
        let executor = asUnownedTaskExecutor()
        for work in spare {
            switch work {
            case .job(let job): job.runSynchronously(on: executor)
            case .closure(let body): body()
            }
        }
        spare.removeAll(keepingCapacity: spare.capacity <= 4096)
    }

    // MARK: The reactor

    private func run() {
        threadID.store(UInt(bitPattern: Int(bitPattern: pthread_self())), ordering: .relaxed)
        _ = clinux_set_thread_name("http-loop-\(index)")
        var events = [epoll_event](repeating: epoll_event(), count: 256)
        now = MonotonicClock.nanoseconds()
        nextSweep = now + sweepInterval
        while true {
            let hasWork = queue.withLock { !$0.work.isEmpty }
            let timeout: Int32 = hasWork ? 0 : Int32(clamping: (nextSweep &- min(now, nextSweep) + 999_999) / 1_000_000)
            let count = epoll_wait(epollFD, &events, Int32(events.count), timeout)
            now = MonotonicClock.nanoseconds()
            if count > 0 {
                for i in 0..<Int(count) {
                    let fd = events[i].data.fd
                    let mask = events[i].events
                    if fd == wakeFD {
                        var value: UInt64 = 0
                        _ = read(wakeFD, &value, 8)
                    } else if fd == listener {
                        acceptConnections()
                    } else if Int(fd) < connections.count, let connection = connections[Int(fd)] {
                        connection.handle(events: mask)
                    }
                }
            }
            runQueuedWork()
            flushQueued()
            if now >= nextSweep { sweep() }
            if shuttingDown, connectionCount == 0, inFlight == 0 || now >= graceDeadline { break }
        }
        finish()
    }

    /// Writes answers given at once during this iteration. Deferred to here rather than written per request, the
    /// responses to one batch of events leave back to back: a client thread woken by the first is still awake for
    /// the rest, where writing each as it is made would wake it again and again (each wake-up costs more CPU than
    /// building the response).
    ///
    /// At most `flushBatch` connections wait: that bounds how long an answer waits for the rest of its batch (and
    /// for a loop thread preempted in the middle of one), at little cost in wake-ups (S1 alternating runs: p99
    /// 3.4-4.2 ms with 16, up to 25 ms unbounded, throughput alike).
    func flushLater(_ connection: Connection) {
        flushQueue.append(connection)
        if flushQueue.count >= EventLoop.flushBatch, !isFlushing { flushQueued() }
    }

    static let flushBatch = 16

    private func flushQueued() {
        isFlushing = true
        defer { isFlushing = false }
        while !flushQueue.isEmpty {
            swap(&flushQueue, &flushing)
            for connection in flushing { connection.flushScheduledOutput() }
            flushing.removeAll(keepingCapacity: true)
        }
    }

    private func sweep() {
        nextSweep = now + sweepInterval
        if shuttingDown, now >= graceDeadline {
            for connection in connections { connection?.close() }
            return
        }
        if acceptPausedUntil != 0, now >= acceptPausedUntil, listener >= 0 {
            acceptPausedUntil = 0
            _ = add(listener, events: EPOLLIN.rawValue)
        }
        for connection in connections { connection?.checkDeadline(now) }
    }

    private func finish() {
        for connection in connections { connection?.close() }
        if listener >= 0 { close(listener) }
        listener = -1
        let remaining = queue.withLock { queue -> [Work] in
            queue.stopped = true
            defer { queue.work = [] }
            return queue.work
        }
        remaining.forEach(runLater)
        close(epollFD)
        close(wakeFD)
        onStop()
    }

    private func add(_ fd: Int32, events: UInt32) -> Bool {
        var event = epoll_event()
        event.events = events
        event.data.fd = fd
        return epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event) == 0
    }

    // MARK: Connections

    /// Puts the listening socket (set before `start`) into this loop's epoll set.
    func startAccepting() {
        guard listener >= 0, !add(listener, events: EPOLLIN.rawValue) else { return }
        context.logger.error(
            "epoll_ctl(listener) failed", metadata: ["error": .string(SocketError("epoll_ctl").description)])
    }

    private func acceptConnections() {
        let counters = context.counters
        for _ in 0..<64 {
            switch Socket.accept(listener) {
            case .wouldBlock:
                return
            case .failed(let code):
                if code == EMFILE || code == ENFILE || code == ENOBUFS || code == ENOMEM {
                    // Out of descriptors or memory: stop polling the listener for a moment instead of spinning.
                    epoll_ctl(epollFD, EPOLL_CTL_DEL, listener, nil)
                    acceptPausedUntil = now + 100_000_000
                    context.logger.warning(
                        "accept paused", metadata: ["error": .string(SocketError("accept", code: code).description)])
                    return
                }
                if code != EINTR, code != ECONNABORTED, code != EPROTO, code != EPERM { return }
            case .accepted(let fd, let remote):
                counters.acceptedConnections.add(1, ordering: .relaxed)
                let open = counters.openConnections.add(1, ordering: .relaxed).newValue
                if open > context.configuration.maxConnections || shuttingDown {
                    counters.openConnections.subtract(1, ordering: .relaxed)
                    // At the cap the client is told why; existing connections are not touched.
                    if shuttingDown { close(fd) } else { refuse(fd) }
                    continue
                }
                let target = peers.isEmpty ? self : peers[nextPeer % peers.count]
                nextPeer &+= 1
                if target === self {
                    register(fd: fd, remote: remote)
                } else {
                    target.execute { target.register(fd: fd, remote: remote) }
                }
            }
        }
    }

    /// Takes ownership of an accepted socket. Counted in `openConnections` by the acceptor already.
    func register(fd: Int32, remote: String) {
        guard !shuttingDown else {
            close(fd)
            context.counters.openConnections.subtract(1, ordering: .relaxed)
            return
        }
        let connection = Connection(fd: fd, remoteAddress: remote, loop: self)
        if Int(fd) >= connections.count {
            connections.append(contentsOf: repeatElement(nil, count: Int(fd) + 1 - connections.count + 64))
        }
        connections[Int(fd)] = connection
        connectionCount += 1
        let events = EPOLLIN.rawValue | EPOLLOUT.rawValue | EPOLLRDHUP.rawValue | EPOLLET.rawValue
        if !add(fd, events: events) { connection.close() }
    }

    /// Closes the socket of a connection that is done.
    func unregister(_ connection: Connection) {
        let fd = connection.fd
        if Int(fd) < connections.count, connections[Int(fd)] === connection {
            connections[Int(fd)] = nil
            connectionCount -= 1
        }
        close(fd)
        context.counters.openConnections.subtract(1, ordering: .relaxed)
    }

    // MARK: Shutdown

    /// Stops accepting, closes idle connections and lets the others finish until `deadline` (monotonic ns).
    func beginShutdown(deadline: UInt64) {
        guard !shuttingDown else { return }
        shuttingDown = true
        graceDeadline = deadline
        if listener >= 0 {
            close(listener)
            listener = -1
        }
        for connection in connections { connection?.shutdownRequested() }
    }
}
