import Dispatch
import Synchronization
import Timekeeping

#if canImport(Glibc)
    import Glibc
#endif

/// Read-only connections for `Database.readRecentSnapshotWithoutWaiting`, lent to whichever thread asks and opened on demand.
///
/// A fixed set of slots, each taken with one compare-and-exchange: no lock, so threads reading at the same moment
/// never meet in the kernel. A thread starts at the slot its identity hashes to, so an event loop thread keeps
/// finding its own warm connection. When every slot is busy the read gets a connection of its own, closed after it.
///
/// A slot's read transaction outlives the read that began it by up to ``linger``: the next read on the slot reuses
/// the snapshot instead of taking and dropping the WAL read lock again (with BEGIN and COMMIT, about a fifth of a
/// point read's cost, and the part where the loops' readers met in the kernel). A snapshot is never reused once a
/// `Database` of this process has committed since it began (``LocalCommits``), so a caller always reads its own
/// writes; commits by other processes show within ``linger``. A timer (every ``sweepInterval``, while any snapshot
/// is open) ends snapshots left idle, so none holds back WAL checkpoints for longer than about that.
final class ReaderPool: Sendable {
    /// One pooled connection. Only the thread that set `busy` touches the other fields.
    private final class Slot: @unchecked Sendable {
        let busy = Atomic<Bool>(false)
        var connection: Connection?
        /// When the open read transaction began (monotonic nanoseconds); 0 when none is open.
        var snapshotStart: UInt64 = 0
        /// `LocalCommits.current` just before that transaction's snapshot was taken.
        var commitsAtStart: UInt64 = 0
    }

    /// How long a read transaction may be reused (nanoseconds).
    let linger: UInt64
    /// How often idle snapshots are looked for: rarer than `linger`, since reuse checks the age itself and the
    /// sweep only frees idle ones (a timer every millisecond would wake a thread a thousand times a second).
    static let sweepInterval: Duration = .milliseconds(10)
    private let path: String
    private let slots: [Slot]
    private let closed = Atomic<Bool>(false)
    private let sweepArmed = Atomic<Bool>(false)

    init(path: String, capacity: Int = 8, linger: Duration = .milliseconds(1)) {
        self.path = path
        self.slots = (0..<max(1, capacity)).map { _ in Slot() }
        self.linger = linger.wholeNanoseconds
    }

    /// Runs `body` on the calling thread inside a read transaction on a pooled connection (a reused snapshot when
    /// one is young enough and this process committed nothing since).
    func withSnapshot<T>(_ body: (Connection) throws -> T) throws -> T {
        guard !closed.load(ordering: .acquiring) else { throw SQLiteError.misuse("database \(path) is closed") }
        let start = Int((UInt64(pthread_self()) &* 0x9E37_79B9_7F4A_7C15) >> 33)
        for offset in 0..<slots.count {
            let slot = slots[(start &+ offset) % slots.count]
            guard slot.busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
                continue
            }
            defer { release(slot) }
            if slot.connection == nil { slot.connection = try Self.open(path) }
            return try read(on: slot, body)
        }
        let connection = try Self.open(path)
        return try connection.transaction(.deferred) { try body(connection) }
    }

    private func read<T>(on slot: Slot, _ body: (Connection) throws -> T) throws -> T {
        guard let connection = slot.connection else { throw SQLiteError.misuse("database \(path) is closed") }
        let now = MonotonicClock.nanoseconds()
        if slot.snapshotStart != 0, now &- slot.snapshotStart >= linger || LocalCommits.current != slot.commitsAtStart {
            end(slot)
        }
        if slot.snapshotStart == 0 {
            // Counted before the snapshot exists (SQLite takes it at the first read): a commit in between makes the
            // next read start afresh, never the other way round.
            slot.commitsAtStart = LocalCommits.current
            try connection.cachedStatement("BEGIN DEFERRED").run()
            slot.snapshotStart = max(now, 1)
        }
        do {
            return try body(connection)
        } catch {
            // The error may have ended or spoiled the transaction (BUSY at its first read, for one).
            end(slot)
            throw error
        }
    }

    /// Ends the slot's read transaction, if one is open.
    private func end(_ slot: Slot) {
        if let connection = slot.connection, !connection.isAutocommit {
            if (try? connection.cachedStatement("COMMIT").run()) == nil, !connection.isAutocommit {
                try? connection.execute("ROLLBACK")
            }
        }
        slot.snapshotStart = 0
    }

    private func release(_ slot: Slot) {
        if closed.load(ordering: .acquiring) {
            // Closed meanwhile: the connection goes now (rolling back its transaction), and the slot stays taken.
            slot.connection = nil
            return
        }
        let lingering = slot.snapshotStart != 0
        slot.busy.store(false, ordering: .releasing)
        if lingering { armSweep() }
    }

    private func armSweep() {
        guard sweepArmed.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
        else { return }
        let delay = DispatchTimeInterval.nanoseconds(Int(clamping: Self.sweepInterval.wholeNanoseconds))
        // Strong: the pool outlives a pending sweep by at most one interval (and a weak reference would give the
        // object a side table that leak checkers cannot see through).
        DispatchQueue.global().asyncAfter(deadline: .now() + delay) { [self] in sweep() }
    }

    /// Ends the snapshots of idle slots that are `linger` old; comes back while younger ones remain. A slot in use
    /// is left to its reader, which arms the sweep again when it lets the slot go.
    private func sweep() {
        sweepArmed.store(false, ordering: .releasing)
        let now = MonotonicClock.nanoseconds()
        var remaining = false
        for slot in slots
        where slot.busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {
            if closed.load(ordering: .acquiring) {
                slot.connection = nil
                continue
            }
            if slot.snapshotStart != 0 {
                if now &- slot.snapshotStart >= linger { end(slot) } else { remaining = true }
            }
            slot.busy.store(false, ordering: .releasing)
        }
        if remaining { armSweep() }
    }

    /// Closes the idle connections (ending their transactions); later reads throw. A connection lent out is closed
    /// when its read returns.
    func close() {
        closed.store(true, ordering: .releasing)
        for slot in slots
        where slot.busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {
            slot.connection = nil
        }
    }

    /// How much of the file each pooled connection maps.
    static let mmapBytes = 1 << 30

    /// No busy timeout: a read that would wait for a lock fails at once (see `Database.readRecentSnapshot`).
    private static func open(_ path: String) throws(SQLiteError) -> Connection {
        let connection = try Connection(path: path, mode: .readWrite, busyTimeoutMilliseconds: 0)
        try connection.execute("PRAGMA query_only = ON")
        // Point reads land on random pages: map the file rather than pread each page missing from the 2 MB cache.
        // Mapped pages are the kernel's page cache, shared and reclaimable, not this process's heap.
        try connection.execute("PRAGMA mmap_size = \(mmapBytes)")
        return connection
    }
}
