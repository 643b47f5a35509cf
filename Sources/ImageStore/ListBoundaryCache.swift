import SQLite
import Synchronization

/// Where a keyset seek resumes: just after the row with this sort key and rowid in a list ordering.
struct ListBoundary: Sendable, Hashable {
    /// The row's value of the ordering column, exactly as stored (`.null` for a NULL).
    var key: SQLiteValue
    var rowid: Int64
}

/// Page boundaries of list orderings, so a deep page seeks from a known row instead of walking `OFFSET` rows.
///
/// For each query shape (filters and ordering; limit and offset aside) it keeps the boundary rows at every
/// `interval`-th position: element `j` is the row at position `(j + 1) * interval - 1`. Boundaries are only valid for
/// the `image_generation` they were computed at: a lookup with any other generation finds nothing, so a change to
/// `images` from any connection or process retires them. Memory is bounded by `maxEntries` query shapes and
/// `maxBoundaries` boundaries in all, least recently used shapes going first. Thread-safe.
final class ListBoundaryCache: Sendable {
    /// Rows between two boundaries.
    let interval: Int
    /// Most query shapes kept.
    let maxEntries: Int
    /// Most boundaries kept, over every shape; also the most one shape may hold.
    let maxBoundaries: Int

    private struct Entry {
        var generation: Int64
        var boundaries: [ListBoundary]
        var lastUse: UInt64
    }

    private struct State {
        var entries: [ImageQuery: Entry] = [:]
        var boundaryCount = 0
        var clock: UInt64 = 0
    }

    private let state = Mutex(State())

    init(interval: Int = 256, maxEntries: Int = 64, maxBoundaries: Int = 65_536) {
        precondition(interval >= 1 && maxEntries >= 1 && maxBoundaries >= 1)
        self.interval = interval
        self.maxEntries = maxEntries
        self.maxBoundaries = maxBoundaries
    }

    /// The query with paging cleared: the rows it selects and their order, which is what boundaries depend on.
    static func shape(of query: ImageQuery) -> ImageQuery {
        var shape = query
        shape.limit = nil
        shape.offset = 0
        shape.countTotal = true
        shape.after = nil
        return shape
    }

    /// The known boundaries of `shape` computed at `generation`; empty when none are.
    func boundaries(for shape: ImageQuery, generation: Int64) -> [ListBoundary] {
        state.withLock { state in
            state.clock += 1
            guard var entry = state.entries[shape], entry.generation == generation else { return [] }
            entry.lastUse = state.clock
            state.entries[shape] = entry
            return entry.boundaries
        }
    }

    /// Keeps `boundaries` of `shape` at `generation`, unless what is kept is newer (a later generation) or longer.
    func store(_ boundaries: [ListBoundary], for shape: ImageQuery, generation: Int64) {
        let boundaries = Array(boundaries.prefix(maxBoundaries))
        state.withLock { state in
            state.clock += 1
            if let kept = state.entries[shape] {
                if kept.generation > generation
                    || (kept.generation == generation && kept.boundaries.count >= boundaries.count)
                {
                    return
                }
                state.boundaryCount -= kept.boundaries.count
            }
            state.entries[shape] = Entry(generation: generation, boundaries: boundaries, lastUse: state.clock)
            state.boundaryCount += boundaries.count
            while state.entries.count > maxEntries || state.boundaryCount > maxBoundaries {
                guard let oldest = state.entries.min(by: { $0.value.lastUse < $1.value.lastUse }) else { break }
                state.boundaryCount -= oldest.value.boundaries.count
                state.entries[oldest.key] = nil
            }
        }
    }

    /// How many boundaries are kept, over every query shape.
    var boundaryCount: Int { state.withLock { $0.boundaryCount } }
}
