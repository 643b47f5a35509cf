import Synchronization

/// Read-only connections for `Database.readNow`, lent to whichever thread asks and opened on demand.
///
/// A connection is used by one thread at a time (taken out of the pool for the duration of one read), so the
/// pool never holds more connections than there were concurrent readers, capped at `capacity` idle ones.
final class ReaderPool: Sendable {
    /// Moves a connection between threads; only ever touched by the thread that took it out of the pool.
    private final class Lent: @unchecked Sendable {
        let connection: Connection
        init(_ connection: Connection) { self.connection = connection }
    }

    private struct State {
        var idle: [Lent] = []
        var closed = false
    }

    private let path: String
    private let capacity: Int
    private let state = Mutex(State())

    init(path: String, capacity: Int = 8) {
        self.path = path
        self.capacity = capacity
    }

    /// Runs `body` with a connection of the pool on the calling thread.
    func withConnection<T>(_ body: (Connection) throws -> T) throws -> T {
        let taken = state.withLock { state -> Lent?? in
            guard !state.closed else { return .none }
            return .some(state.idle.popLast())
        }
        guard let taken else { throw SQLiteError.misuse("database \(path) is closed") }
        let lent = try taken ?? Lent(try Self.open(path))
        // Back to the pool unless closed or full; otherwise the last reference goes and the connection closes.
        defer {
            state.withLock { state in
                if !state.closed, state.idle.count < capacity { state.idle.append(lent) }
            }
        }
        return try body(lent.connection)
    }

    /// Closes the idle connections; later `withConnection` calls throw. A connection lent out is closed when its
    /// read returns.
    func close() {
        let idle = state.withLock { state -> [Lent] in
            state.closed = true
            defer { state.idle = [] }
            return state.idle
        }
        withExtendedLifetime(idle) {}  // released here, outside the lock
    }

    /// How much of the file each pooled connection maps.
    static let mmapBytes = 1 << 30

    /// No busy timeout: a read that would wait for a lock fails at once (see `Database.readSoon`).
    private static func open(_ path: String) throws(SQLiteError) -> Connection {
        let connection = try Connection(path: path, mode: .readWrite, busyTimeoutMilliseconds: 0)
        try connection.execute("PRAGMA query_only = ON")
        // Point reads land on random pages: map the file rather than pread each page missing from the 2 MB cache.
        // Mapped pages are the kernel's page cache, shared and reclaimable, not this process's heap.
        try connection.execute("PRAGMA mmap_size = \(mmapBytes)")
        return connection
    }
}
