import Foundation
import Synchronization

/// Recently authenticated keys, kept for a few seconds so the hot path skips the database.
///
/// Only successful lookups are cached, so a new token works at once. A revoked token keeps working for at most
/// `ttl` after the start of its last database check: an entry's age counts from before the lookup, so a slow
/// database (a loaded machine) does not lengthen it. The cache is bounded: when full, it is emptied.
final class TokenCache: Sendable {
    private struct Entry {
        let caller: Caller
        let expires: ContinuousClock.Instant
    }

    let ttl: Duration
    let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    init(ttl: Duration, capacity: Int = 10_000) {
        self.ttl = ttl
        self.capacity = capacity
    }

    func caller(for key: String) -> Caller? {
        guard ttl > .zero else { return nil }
        let now = ContinuousClock.now
        return entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            if entry.expires <= now {
                entries[key] = nil
                return nil
            }
            return entry.caller
        }
    }

    /// Keeps `caller` until `ttl` after `checked`, the instant the database lookup that found it began.
    func store(_ caller: Caller, for key: String, checked: ContinuousClock.Instant) {
        guard ttl > .zero else { return }
        let expires = checked + ttl
        guard expires > ContinuousClock.now else { return }
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(caller: caller, expires: expires)
        }
    }

    /// Forgets every cached key (e.g. right after revoking a token in-process).
    func removeAll() {
        entries.withLock { $0.removeAll() }
    }
}
