import CSQLite

/// A database file served by one writer connection and N reader connections, each on its own thread.
///
/// `read` and `write` queue the closure to a connection thread and suspend until it finishes, so blocking SQLite
/// calls never run on the caller's thread; `readNow` is the exception, for point reads worth a few microseconds of
/// the caller's thread rather than two thread hops. Reads run on any free reader (they never
/// queue behind the writer, thanks to WAL); writes are serialised on the single writer, and the writes queued
/// together share one `BEGIN IMMEDIATE ... COMMIT`, each in its own savepoint.
///
/// Closures run on a connection thread: keep them short and synchronous, and do not touch the `Connection`
/// after they return.
public final class Database: Sendable {
    /// The database file.
    public let path: String
    private let writer: ConnectionWorkers
    private let readers: ConnectionWorkers
    private let nowReaders: ReaderPool

    /// Opens (creating if needed) the file at `path` with WAL and foreign keys on.
    /// - Parameters:
    ///   - path: The database file.
    ///   - readerCount: How many reader connections (and threads); at least 1. Each opens on first use.
    ///   - busyTimeoutMilliseconds: How long a connection waits for a lock before failing with BUSY.
    public init(path: String, readerCount: Int = 4, busyTimeoutMilliseconds: Int32 = 5_000) throws(SQLiteError) {
        let writerConnection = try Connection(path: path, mode: .readWriteCreate, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        // The writer opened the file (creating it, switching it to WAL), so a reader can only fail to open for
        // the reasons any later read could fail; each opens on its own thread when first needed.
        self.path = path
        self.writer = ConnectionWorkers(connections: [writerConnection], name: "sqlite-writer")
        self.readers = ConnectionWorkers(count: max(1, readerCount), name: "sqlite-reader") { () throws(SQLiteError) in
            let reader = try Connection(path: path, mode: .readWrite, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
            try reader.execute("PRAGMA query_only = ON")
            return reader
        }
        self.nowReaders = ReaderPool(path: path)
    }

    // The pooled connections close first, while the worker threads still hold theirs: the last connection to
    // close checkpoints the WAL (writes and fsyncs), which belongs on a connection thread, not the caller's.
    deinit {
        nowReaders.close()
        writer.shutdown()
        readers.shutdown()
    }

    /// Runs `body` on a reader connection inside a deferred transaction, so every query in it sees one snapshot.
    /// The reader connections are `query_only`: writes throw.
    public func read<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await run(on: readers) { connection in
            try connection.transaction(.deferred) { try body(connection) }
        }
    }

    /// Runs `body` at once on the calling thread, on a read-only connection lent from a pool (opened on first
    /// use, one per concurrent caller), inside a read transaction like `read`.
    ///
    /// For short reads on threads that may block for microseconds, such as an HTTP event loop serving a point
    /// lookup: it saves `read`'s two thread hops. The pooled connections never wait for a lock: where SQLite
    /// would (a lock held by another process, WAL recovery) this throws `SQLITE_BUSY` at once; ``readSoon(_:)``
    /// then falls back to `read`. Keep long scans on `read`.
    ///
    /// The snapshot may be one a previous `readNow` on the same connection began up to a millisecond earlier: it
    /// always includes every commit made through a `Database` of this process before the call, while commits by
    /// other processes may take up to that millisecond to show (see `ReaderPool`).
    public func readNow<T>(_ body: (Connection) throws -> T) throws -> T {
        try nowReaders.withSnapshot(body)
    }

    /// `readNow`, or `read` when that would have had to wait for a lock: the caller's thread never sleeps in
    /// SQLite's busy handler (on an event loop that would stall every connection of the loop).
    public func readSoon<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        do {
            return try readNow(body)
        } catch let error as SQLiteError where error.isBusy {
            return try await read(body)
        }
    }

    /// Runs `body` on the writer connection inside a write transaction; a throw rolls back everything `body` did.
    ///
    /// Writes queued together share one `BEGIN IMMEDIATE ... COMMIT` (group commit: one WAL append for the lot),
    /// each in its own savepoint, and return only once that commit is done. If the shared transaction fails as a
    /// whole, each write is run again alone, so `body` may run twice: it must only touch the connection.
    public func write<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let result = WriteResult<T>()
            let job = WriteJob(
                run: { connection in result.value = try body(connection) },
                succeed: { continuation.resume(returning: result.value!) },
                fail: { continuation.resume(throwing: $0) }
            )
            if !writer.submit(job) {
                continuation.resume(throwing: SQLiteError.misuse("database \(path) is closed"))
            }
        }
    }

    /// Runs `body` on the writer connection with no transaction around it (for work that manages its own
    /// transactions, such as migrations, or that cannot run in one, such as `VACUUM`). Counted as a commit however
    /// it ends, so `readNow` never reuses a snapshot from before it.
    public func withWriter<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await run(on: writer) { connection in
            defer { LocalCommits.committed() }
            return try body(connection)
        }
    }

    /// Stops the connection threads after the queued work and closes the connections; waits up to `timeout`.
    /// Later calls to `read`/`readNow`/`write` throw. Also happens (without waiting) when the database is deinitialised.
    public func close(timeout: Duration = .seconds(10)) {
        nowReaders.close()
        writer.shutdown()
        readers.shutdown()
        _ = writer.waitForExit(timeout: timeout)
        _ = readers.waitForExit(timeout: timeout)
    }

    private func run<T: Sendable>(
        on workers: ConnectionWorkers,
        _ body: @escaping @Sendable (Connection) throws -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let queued = workers.submit { connection in
                continuation.resume(with: Result { try body(try connection.get()) })
            }
            if !queued {
                continuation.resume(throwing: SQLiteError.misuse("database \(path) is closed"))
            }
        }
    }
}
