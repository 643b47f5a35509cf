import CSQLite

/// A database file served by one writer connection and N reader connections, each on its own thread.
///
/// Methods are named by what the caller may rely on (as GRDB's are), not by where they run:
///
/// | Method | Guarantee |
/// | --- | --- |
/// | ``readSnapshot(_:)`` | one consistent snapshot holding every commit (any process) made before the call |
/// | ``readRecentSnapshot(_:)`` | one consistent snapshot holding every commit of this process made before the call (other processes' up to a millisecond late); the caller's thread never waits for a lock |
/// | ``readRecentSnapshotWithoutWaiting(_:)`` | the same snapshot, on the caller's thread at once, or a busy error instead of any wait |
/// | ``write(_:)`` | one atomic transaction, committed when it returns; may share the commit with others and run again alone |
/// | ``writeWithoutTransaction(_:)`` | exclusive use of the writer connection with no transaction around it |
///
/// The asynchronous ones queue the closure to a connection thread and suspend until it finishes, so blocking
/// SQLite calls never run on the caller's thread. Reads never queue behind the writer (WAL); writes are serialised
/// on the single writer, and the writes queued together share one `BEGIN IMMEDIATE ... COMMIT`, each in its own
/// savepoint.
///
/// Closures run on a connection thread (or the caller's, for the `WithoutWaiting` read): keep them short and
/// synchronous, and do not touch the `Connection` after they return.
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
        let writerConnection = try Connection(
            path: path, mode: .readWriteCreate, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
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

    /// Runs `body` on a reader connection inside a deferred transaction, so every query in it sees one snapshot, and
    /// that snapshot holds every commit made (by any process) before the call. The reader connections are
    /// `query_only`: writes throw. Suspends while a reader thread runs it; for long scans.
    public func readSnapshot<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await run(on: readers) { connection in
            try connection.transaction(.deferred) { try body(connection) }
        }
    }

    /// Runs `body` at once on the calling thread, on a read-only connection lent from a pool (opened on first
    /// use, one per concurrent caller), inside a read transaction: one consistent snapshot.
    ///
    /// Never waits: where SQLite would wait for a lock (one held by another process, WAL recovery) this declines,
    /// throwing a busy `SQLiteError` (`isBusy`) at once; ``readRecentSnapshot(_:)`` then falls back to a reader
    /// thread. For short reads on threads that may block for microseconds but never sleep, such as an HTTP event
    /// loop serving a point lookup (it saves two thread hops). Keep long scans on ``readSnapshot(_:)``.
    ///
    /// Recent, not current: the snapshot may be one a previous read on the same pooled connection began up to a
    /// millisecond earlier. It always includes every commit made through a `Database` of this process before the
    /// call, while commits by other processes may take up to that millisecond to show (see `ReaderPool`).
    public func readRecentSnapshotWithoutWaiting<T>(_ body: (Connection) throws -> T) throws -> T {
        try nowReaders.withSnapshot(body)
    }

    /// One consistent snapshot, as recent as ``readRecentSnapshotWithoutWaiting(_:)``'s (every commit of this
    /// process before the call); run on the caller's thread when that needs no wait, else on a reader thread: the
    /// caller's thread never sleeps in SQLite's busy handler (on an event loop that would stall every connection of
    /// the loop). For point reads.
    public func readRecentSnapshot<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T
    {
        do {
            return try readRecentSnapshotWithoutWaiting(body)
        } catch let error as SQLiteError where error.isBusy {
            return try await readSnapshot(body)
        }
    }

    /// Runs `body` on the writer connection inside a write transaction: atomic (a throw rolls back everything `body`
    /// did) and committed when this returns (every later read of this process sees it).
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

    /// Runs `body` alone on the writer connection with no transaction around it: no other write of this `Database`
    /// runs meanwhile (GRDB's barrier write), but nothing is atomic unless `body` opens its own transactions. For work
    /// that manages its own transactions, such as migrations, or that cannot run in one, such as `VACUUM`. Counted
    /// as a commit however it ends, so a recent snapshot is never one from before it.
    public func writeWithoutTransaction<T: Sendable>(
        _ body: @escaping @Sendable (Connection) throws -> T
    ) async throws -> T {
        try await run(on: writer) { connection in
            defer { LocalCommits.committed() }
            return try body(connection)
        }
    }

    /// Stops the connection threads after the queued work and closes the connections; waits up to `timeout`.
    /// Later reads and writes throw. Also happens (without waiting) when the database is deinitialised.
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
