import Foundation
import Synchronization

/// Finished list responses, reused while the images they were built from are unchanged.
///
/// An entry is kept with the `images` generation of the snapshot its page was read in and is served only while the
/// repository reports that same generation (any insert, update or delete, from any process, moves it on), and only
/// before the first moment one of its images' `is_expired` would turn true. The key is everything the body depends
/// on: the caller's scope, the request target and the headers the pagination links are built from. Bounded in
/// entries and bytes; when full, the least recently used entries go first.
final class ListPageCache: Sendable {
    struct Entry: Sendable {
        let generation: Int64
        /// The body is valid before this instant (an image's `expires_at`); nil: no image can expire into it.
        let validBefore: Date?
        let body: [UInt8]
    }

    private struct State {
        var entries: [String: (entry: Entry, lastUse: UInt64)] = [:]
        var bytes = 0
        var tick: UInt64 = 0
        /// The generation of the entries held: all share it, since no other can be served again.
        var generation: Int64?
    }

    let maxEntries: Int
    let maxBytes: Int
    private let state = Mutex(State())

    init(maxEntries: Int = 1024, maxBytes: Int = 16 << 20) {
        self.maxEntries = maxEntries
        self.maxBytes = maxBytes
    }

    /// The cached body for `key` if it was built at `generation` and is still valid at `now`.
    func body(for key: String, generation: Int64, now: Date) -> [UInt8]? {
        state.withLock { state in
            if let held = state.generation, held != generation {
                // Everything held is of that other generation: none of it can be served any more.
                state.entries.removeAll(keepingCapacity: true)
                state.bytes = 0
                state.generation = nil
                return nil
            }
            guard let found = state.entries[key] else { return nil }
            guard found.entry.validBefore.map({ now < $0 }) ?? true else {
                state.entries[key] = nil
                state.bytes -= found.entry.body.count
                return nil
            }
            state.tick += 1
            state.entries[key]?.lastUse = state.tick
            return found.entry.body
        }
    }

    /// Whether anything is cached under `key` (a lookup is worth a generation read).
    func contains(_ key: String) -> Bool {
        maxBytes > 0 && state.withLock { $0.entries[key] != nil }
    }

    /// Keeps `entry` unless the cache is off or the body would take more than a quarter of it. An entry of another
    /// generation than those held replaces them all: under a steady stream of writes the cache holds only pages
    /// that can still be served, not up to its size in dead ones.
    func store(_ entry: Entry, for key: String) {
        guard maxBytes > 0, entry.body.count <= maxBytes / 4 else { return }
        state.withLock { state in
            if state.generation != entry.generation {
                state.entries.removeAll(keepingCapacity: true)
                state.bytes = 0
                state.generation = entry.generation
            }
            if let old = state.entries[key] { state.bytes -= old.entry.body.count }
            state.tick += 1
            state.entries[key] = (entry, state.tick)
            state.bytes += entry.body.count
            guard state.entries.count > maxEntries || state.bytes > maxBytes else { return }
            // Least recently used first, down to three quarters of either bound, so a full cache sorts once per
            // quarter of its size rather than on every store.
            let byAge = state.entries.sorted { $0.value.lastUse < $1.value.lastUse }
            for (victim, value) in byAge where victim != key {
                guard state.entries.count > maxEntries * 3 / 4 || state.bytes > maxBytes * 3 / 4 else { break }
                state.entries[victim] = nil
                state.bytes -= value.entry.body.count
            }
        }
    }

    var count: Int { state.withLock { $0.entries.count } }

    /// The bytes of the bodies held.
    var byteCount: Int { state.withLock { $0.bytes } }
}
