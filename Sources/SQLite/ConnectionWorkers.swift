import Foundation
import Timekeeping

/// A queue of jobs served by dedicated threads, each of which owns one `Connection` for its whole life.
///
/// Blocking SQLite calls therefore never run on Swift's cooperative pool or on HTTP event-loop threads, and a
/// connection is only ever touched by its own thread. A thread either gets its connection up front or opens it
/// when its first job arrives (a connection costs ~140 KB of lookaside, schema and cache once used, so a server
/// that never needs its reader threads never pays for them).
///
/// `@unchecked Sendable`: the mutable state (`jobs`, `head`, `isShutDown`) is only read or written with
/// `condition` locked; connections never leave their threads.
final class ConnectionWorkers: @unchecked Sendable {
    /// Gets the thread's connection, or the error that opening it threw (the next job tries to open it again).
    typealias Job = @Sendable (Result<Connection, SQLiteError>) -> Void

    enum Work: Sendable {
        case job(Job)
        /// Consecutive queued writes are taken together and share one transaction (see `WriteJob`).
        case write(WriteJob)
    }

    private let condition = NSCondition()
    private var jobs: [Work?] = []
    private var head = 0
    private var isShutDown = false
    private let exited = DispatchGroup()

    /// Starts one thread per connection. Ownership of each connection moves to its thread.
    convenience init(connections: [Connection], name: String) {
        self.init(sources: connections.map { ConnectionSource.ready(ConnectionTransfer($0)) }, name: name)
    }

    /// Starts `count` threads, each of which calls `open` on its own thread when its first job arrives.
    convenience init(count: Int, name: String, open: @escaping @Sendable () throws(SQLiteError) -> Connection) {
        self.init(sources: Array(repeating: .lazy(open), count: count), name: name)
    }

    private init(sources: [ConnectionSource], name: String) {
        for (index, source) in sources.enumerated() {
            exited.enter()
            let thread = Thread { [self] in
                self.serve(source)
                self.exited.leave()
            }
            thread.name = "\(name)-\(index)"
            thread.start()
        }
    }

    /// Queues `job`; returns false (and drops it) after `shutdown()`.
    func submit(_ job: @escaping Job) -> Bool {
        submit(.job(job))
    }

    /// Queues a write that may share a transaction with the writes queued next to it.
    func submit(_ write: WriteJob) -> Bool {
        submit(.write(write))
    }

    private func submit(_ work: Work) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !isShutDown else { return false }
        jobs.append(work)
        condition.signal()
        return true
    }

    /// Stops accepting jobs. Threads finish what is queued, close their connections and exit.
    func shutdown() {
        condition.lock()
        isShutDown = true
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until every thread has exited (after `shutdown()`), at most `timeout`. Returns false on timeout.
    func waitForExit(timeout: Duration) -> Bool {
        exited.wait(timeout: .now() + .nanoseconds(Int(clamping: timeout.wholeNanoseconds))) == .success
    }

    private func serve(_ source: ConnectionSource) {
        var connection: Connection?
        if case .ready(let transfer) = source { connection = transfer.take() }
        while let work = nextWork() {
            let opened: Result<Connection, SQLiteError>
            if let connection {
                opened = .success(connection)
            } else {
                guard case .lazy(let open) = source else { preconditionFailure("a ready connection is never released") }
                opened = Result { () throws(SQLiteError) -> Connection in try open() }
                connection = try? opened.get()
            }
            switch work {
            case .job(let job): job(opened)
            case .write(let write):
                var batch = [write]
                while batch.count < WriteJob.maxBatch, let next = nextQueuedWrite() { batch.append(next) }
                switch opened {
                case .success(let connection): WriteJob.runBatch(batch, on: connection)
                case .failure(let error): for write in batch { write.fail(error) }
                }
            }
        }
    }

    /// The next queued work item if it is a write, without waiting.
    private func nextQueuedWrite() -> WriteJob? {
        condition.lock()
        defer { condition.unlock() }
        guard head < jobs.count, case .write(let write)? = jobs[head] else { return nil }
        take()
        return write
    }

    private func nextWork() -> Work? {
        condition.lock()
        defer { condition.unlock() }
        while head == jobs.count && !isShutDown {
            condition.wait()
        }
        guard head < jobs.count else { return nil }
        return take()
    }

    /// Removes and returns the work at `head`. Called with `condition` locked and `head < jobs.count`.
    @discardableResult
    private func take() -> Work? {
        let job = jobs[head]
        jobs[head] = nil
        head += 1
        if head == jobs.count {
            jobs.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 1024 && head * 2 > jobs.count {
            jobs.removeFirst(head)
            head = 0
        }
        return job
    }
}

/// Where a worker thread gets its connection.
private enum ConnectionSource: Sendable {
    case ready(ConnectionTransfer)
    case lazy(@Sendable () throws(SQLiteError) -> Connection)
}

/// Moves a connection to the thread that will own it.
///
/// `@unchecked Sendable`: the creator hands the connection over before the thread starts and keeps no reference,
/// so it is never used from two threads.
private final class ConnectionTransfer: @unchecked Sendable {
    private var connection: Connection?
    init(_ connection: Connection) { self.connection = connection }
    func take() -> Connection {
        defer { connection = nil }
        return connection!
    }
}
