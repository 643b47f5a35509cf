import Foundation

/// A bounded pool of connections to one database, each owned by its own thread: blocking libpq calls never run on
/// Swift's cooperative pool or an HTTP event loop, and a connection is only ever touched by its thread.
///
/// A thread opens its connection when its first job arrives. A job whose connection turns out to be gone (the
/// server restarted, the socket closed) fails with `PostgreSQLError.isConnectionLost`; the thread drops that
/// connection and the next job opens a new one.
///
/// `@unchecked Sendable`: `jobs`, `head` and `isClosed` are only touched with `condition` locked; connections
/// never leave their threads.
public final class PostgreSQLPool: @unchecked Sendable {
    typealias Job = @Sendable (Result<PostgreSQLConnection, PostgreSQLError>) -> Void

    /// The connection URL (with its password: never log it).
    let url: String
    /// How many connections (and threads).
    public let size: Int
    private let condition = NSCondition()
    private var jobs: [Job?] = []
    private var head = 0
    private var isClosed = false

    /// Starts `size` threads (at least 1). No connection is opened until a job needs one; call `check()` to fail
    /// early on a wrong URL.
    public init(url: String, size: Int, name: String = "postgresql") {
        self.url = url
        self.size = max(1, size)
        for index in 0..<self.size {
            let thread = Thread { [self] in self.serve() }
            thread.name = "\(name)-\(index)"
            thread.start()
        }
    }

    /// Runs `body` with a connection, on the connection's thread.
    /// - Throws: What `body` throws, `PostgreSQLError` when no connection could be opened, or (after `close()`)
    ///   a `PostgreSQLError` saying so.
    public func withConnection<T: Sendable>(
        _ body: @escaping @Sendable (PostgreSQLConnection) throws -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let accepted = submit { opened in
                switch opened {
                case .success(let connection): continuation.resume(with: Result { try body(connection) })
                case .failure(let error): continuation.resume(throwing: error)
                }
            }
            if !accepted {
                continuation.resume(
                    throwing: PostgreSQLError(sqlState: "08003", message: "the connection pool is closed"))
            }
        }
    }

    /// Runs `body` in one transaction; retried (at most three times in all) when the server reports a
    /// serialization failure or deadlock, so `body` may run more than once.
    public func transaction<T: Sendable>(
        _ body: @escaping @Sendable (PostgreSQLConnection) throws -> T
    ) async throws -> T {
        try await withConnection { connection in
            var attempt = 1
            while true {
                do {
                    return try connection.transaction { try body(connection) }
                } catch let error as PostgreSQLError where error.isRetryable && attempt < 3 {
                    attempt += 1
                }
            }
        }
    }

    /// Another pool on the same database (for a connection whose session state, such as an advisory lock,
    /// must not be shared with the queries of this one).
    public func sibling(size: Int, name: String) -> PostgreSQLPool {
        PostgreSQLPool(url: url, size: size, name: name)
    }

    /// Opens a connection now (or uses an open one) and runs `SELECT 1`.
    public func check() async throws {
        try await withConnection { connection in _ = try connection.execute("SELECT 1") }
    }

    /// Stops taking jobs; threads finish the queued ones, close their connections and exit.
    public func close() {
        condition.lock()
        isClosed = true
        condition.broadcast()
        condition.unlock()
    }

    private func submit(_ job: @escaping Job) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !isClosed else { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    private func serve() {
        var connection: PostgreSQLConnection?
        while let job = nextJob() {
            if connection?.isOpen != true {
                connection = nil
                do {
                    connection = try PostgreSQLConnection(url: url)
                } catch {
                    job(.failure(error))
                    continue
                }
            }
            guard let open = connection else { continue }
            job(.success(open))
            if !open.isOpen {
                connection = nil
            } else if open.isInTransaction {
                // A body that left a transaction open (it should not): end it so the next job starts clean.
                _ = try? open.execute("ROLLBACK")
            }
        }
    }

    private func nextJob() -> Job? {
        condition.lock()
        defer { condition.unlock() }
        while head == jobs.count && !isClosed { condition.wait() }
        guard head < jobs.count else { return nil }
        let job = jobs[head]
        jobs[head] = nil
        head += 1
        if head == jobs.count {
            jobs.removeAll(keepingCapacity: true)
            head = 0
        }
        return job
    }
}
