#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Read-only connections for `Database.readNow`, lent to whichever thread asks and opened on demand.
///
/// A fixed set of slots, each taken with one compare-and-exchange: no lock, so threads reading at the same moment
/// never meet in the kernel. A thread starts at the slot its identity hashes to, so an event loop thread keeps
/// finding its own warm connection. When every slot is busy the read gets a connection of its own, closed after it.
final class ReaderPool: Sendable {
    /// One pooled connection. Only the thread that set `busy` touches `connection`.
    private final class Slot: @unchecked Sendable {
        let busy = Atomic<Bool>(false)
        var connection: Connection?
    }

    private let path: String
    private let slots: [Slot]
    private let closed = Atomic<Bool>(false)

    init(path: String, capacity: Int = 8) {
        self.path = path
        self.slots = (0..<max(1, capacity)).map { _ in Slot() }
    }

    /// Runs `body` with a connection of the pool on the calling thread.
    func withConnection<T>(_ body: (Connection) throws -> T) throws -> T {
        guard !closed.load(ordering: .acquiring) else { throw SQLiteError.misuse("database \(path) is closed") }
        let start = Int((UInt64(pthread_self()) &* 0x9E37_79B9_7F4A_7C15) >> 33)
        for offset in 0..<slots.count {
            let slot = slots[(start &+ offset) % slots.count]
            guard slot.busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { continue }
            defer {
                // Closed meanwhile: this connection goes now, and the slot stays taken.
                if closed.load(ordering: .acquiring) { slot.connection = nil } else { slot.busy.store(false, ordering: .releasing) }
            }
            if slot.connection == nil { slot.connection = try Self.open(path) }
            return try body(slot.connection!)
        }
        return try body(try Self.open(path))
    }

    /// Closes the idle connections; later `withConnection` calls throw. A connection lent out is closed when its
    /// read returns.
    func close() {
        closed.store(true, ordering: .releasing)
        for slot in slots where slot.busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {
            slot.connection = nil
        }
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
