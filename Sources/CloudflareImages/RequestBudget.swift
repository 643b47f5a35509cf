import Foundation
import Synchronization

/// A client-side sliding-window request budget: at most `limit` requests start in any `window` (Cloudflare's
/// default is 1,200 per 5 minutes per user), and, when a `burst` cap is set, at most `burst.count` in any
/// `burst.window` (Cloudflare also caps each client address at 200 requests per second).
///
/// ``reserve(maxWait:)`` books the earliest free slot and tells the caller how long to wait for it, or refuses when
/// that is further away than `maxWait`; a refused call books nothing. ``pause(for:)`` holds every slot back, for
/// when Cloudflare answers 429 with `Retry-After` or reports its quota spent. The clock is injected so tests can
/// move time by hand. Share one budget between all clients of one account.
public final class RequestBudget: Sendable {
    /// What a caller should do.
    public enum Decision: Sendable, Equatable {
        /// Send now.
        case proceed
        /// A slot is booked `delay` from now: sleep, then send.
        case wait(Duration)
        /// No slot within the allowed wait; one frees up after `retryAfter`.
        case refuse(retryAfter: Duration)
    }

    /// At most `count` requests in any `window`.
    public struct Limit: Sendable, Equatable {
        public var count: Int
        public var window: Duration

        public init(count: Int, window: Duration) {
            self.count = count
            self.window = window
        }
    }

    public let limit: Int
    public let window: Duration
    /// The short-window cap, never longer than `window`.
    public let burst: Limit?
    private let now: @Sendable () -> ContinuousClock.Instant
    private let state = Mutex(State())

    /// - Parameters:
    ///   - limit: requests allowed per window (at least 1).
    ///   - window: the sliding window.
    ///   - burst: a second, shorter cap (e.g. 100 per second); its count at least 1, its window at most `window`.
    ///   - now: the clock; tests pass a manual one.
    public init(
        limit: Int = 1200, window: Duration = .seconds(300), burst: Limit? = nil,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.limit = max(1, limit)
        self.window = window
        self.burst = burst.map { Limit(count: max(1, $0.count), window: min(max(.zero, $0.window), window)) }
        self.now = now
    }

    /// Books the earliest slot, unless it is more than `maxWait` away.
    public func reserve(maxWait: Duration) -> Decision {
        let now = now()
        return state.withLock { state in
            state.slots.drop(through: now - window)
            var slot = max(now, state.pausedUntil ?? now)
            if state.slots.count >= limit {
                slot = max(slot, state.slots[state.slots.count - limit] + window)
            }
            if let burst, state.slots.count >= burst.count {
                slot = max(slot, state.slots[state.slots.count - burst.count] + burst.window)
            }
            let delay = slot - now
            guard delay <= maxWait else { return .refuse(retryAfter: delay) }
            state.slots.append(slot)
            return delay > .zero ? .wait(delay) : .proceed
        }
    }

    /// Books `count` slots now, all or none, without waiting: nil when booked, else how long until they would fit
    /// (a count over the limit never fits: the whole window). For sharing out a budget rather than pacing calls.
    public func admit(_ count: Int = 1) -> Duration? {
        let now = now()
        return state.withLock { state in
            state.slots.drop(through: now - window)
            if let paused = state.pausedUntil, paused > now { return paused - now }
            let count = max(0, count)
            guard count <= limit else { return window }
            if let wait = state.slots.wait(adding: count, limit: limit, window: window, now: now) { return wait }
            if let burst {
                guard count <= burst.count else { return burst.window }
                if let wait = state.slots.wait(adding: count, limit: burst.count, window: burst.window, now: now) {
                    return wait
                }
            }
            // Booked future slots (from `reserve`) stay last: the new ones go before none of them.
            let slot = max(now, state.slots.last ?? now)
            for _ in 0..<count { state.slots.append(slot) }
            return nil
        }
    }

    /// Holds back every slot for `duration` from now (never shortens an existing pause).
    public func pause(for duration: Duration) {
        let until = now() + duration
        state.withLock { state in
            state.pausedUntil = max(state.pausedUntil ?? until, until)
        }
    }

    /// Requests booked in the current window (including booked future slots).
    public var bookedCount: Int {
        let horizon = now() - window
        return state.withLock { state in
            state.slots.drop(through: horizon)
            return state.slots.count
        }
    }

    private struct State {
        var slots = Slots()
        var pausedUntil: ContinuousClock.Instant?
    }

    /// Booked instants in non-decreasing order, the oldest first; dropping old ones moves a start index (the array
    /// is compacted when half of it is dropped), so a budget of thousands of slots costs no copy per call.
    struct Slots {
        private var storage: [ContinuousClock.Instant] = []
        private var start = 0

        var count: Int { storage.count - start }
        var last: ContinuousClock.Instant? { count > 0 ? storage[storage.count - 1] : nil }
        subscript(index: Int) -> ContinuousClock.Instant { storage[start + index] }

        mutating func append(_ instant: ContinuousClock.Instant) { storage.append(instant) }

        /// How long until `adding` more slots at `now` keeps at most `limit` of them in the `window` up to now; nil
        /// when they fit already.
        func wait(adding: Int, limit: Int, window: Duration, now: ContinuousClock.Instant) -> Duration? {
            let horizon = now - window
            // The first slot after the horizon: slots are sorted, so a binary search finds it.
            var low = 0
            var high = count
            while low < high {
                let middle = low + (high - low) / 2
                if self[middle] <= horizon { low = middle + 1 } else { high = middle }
            }
            let excess = count - low + adding - limit
            guard excess > 0 else { return nil }
            return max(.zero, self[low + excess - 1] + window - now)
        }

        /// Forgets the slots at or before `horizon`.
        mutating func drop(through horizon: ContinuousClock.Instant) {
            while start < storage.count, storage[start] <= horizon { start += 1 }
            if start > 64, start * 2 >= storage.count {
                storage.removeFirst(start)
                start = 0
            }
        }
    }
}
