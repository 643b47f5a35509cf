import Foundation
import Logging
import Synchronization

/// The account's request budget as several processes share it: before a call, one request is taken from grants
/// that `book` made in a ledger all of them write to (the service's database), a few at a time.
///
/// A grant is booked for `window + validity` and spent within `validity` (what is left then is dropped), so the
/// requests all processes send in any `window` stay within `limit` however their grants interleave. When the
/// ledger cannot be reached the call goes ahead on the local ``RequestBudget`` alone (logged): a database outage
/// should not also stop every Cloudflare call.
public final class SharedRequestBudget: Sendable {
    /// What one booking granted: `count` requests, or none and how long until some free up.
    public struct Grant: Sendable, Equatable {
        public var count: Int
        public var retryAfter: Duration?

        public init(count: Int, retryAfter: Duration? = nil) {
            self.count = count
            self.retryAfter = retryAfter
        }
    }

    /// Books up to `count` of the `limit` requests allowed across all processes in any `window`.
    public typealias Book = @Sendable (_ count: Int, _ limit: Int, _ window: Duration) async throws -> Grant

    /// Books all `limit` requests for `duration` from now, against the same `window` as `Book`'s.
    public typealias Pause = @Sendable (_ duration: Duration, _ limit: Int, _ window: Duration) async throws -> Void

    public let limit: Int
    public let window: Duration
    /// Requests booked at a time: fewer ledger writes, more left unspent when a process stops.
    public let chunk: Int
    /// How long a grant may be spent.
    public let validity: Duration
    private let book: Book
    private let pauseLedger: Pause?
    private let logger: Logger
    private let now: @Sendable () -> ContinuousClock.Instant
    private let state = Mutex(State())

    /// - Parameters:
    ///   - chunk: requests per booking; by default a sixtieth of `limit`, 1 to 1,000.
    ///   - validity: how long a grant may be spent; at most `window`.
    ///   - pause: shares ``pause(for:)`` with the other processes (without it a pause is this process's alone).
    public init(
        limit: Int, window: Duration, chunk: Int? = nil, validity: Duration = .seconds(10),
        logger: Logger = Logger(label: "cfimages.cloudflare"),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now },
        pause: Pause? = nil,
        book: @escaping Book
    ) {
        self.limit = max(1, limit)
        self.window = window
        self.chunk = min(self.limit, max(1, chunk ?? min(1_000, self.limit / 60)))
        self.validity = min(max(.milliseconds(1), validity), window)
        self.logger = logger
        self.now = now
        self.book = book
        self.pauseLedger = pause
    }

    /// Cloudflare refuses calls for `duration` (its 429, or its counter at zero): the grants this process holds are
    /// dropped and the whole limit is booked until then, so no process sends anything before it ends (one 429
    /// stops them all, not each in turn). A ledger that cannot be reached is logged; the local pause still holds.
    /// Calls refused at once (a burst of 429s) book the pause once: one that ends at most a second after the one this
    /// process already booked writes nothing more (Cloudflare's `Retry-After` counts whole seconds).
    public func pause(for duration: Duration) async {
        guard duration > .zero else { return }
        let ends = now() + duration
        let booked = state.withLock { state -> Bool in
            state.grants.removeAll()
            if let until = state.sharedPauseUntil, until + .seconds(1) >= ends { return true }
            state.sharedPauseUntil = ends
            return false
        }
        guard let pauseLedger, !booked else { return }
        do {
            try await pauseLedger(duration, limit, window + validity)
        } catch {
            // Not booked: the next 429 tries again.
            state.withLock { state in
                if state.sharedPauseUntil == ends { state.sharedPauseUntil = nil }
            }
            logger.warning(
                "The Cloudflare pause could not be shared with the other processes", metadata: ["error": "\(error)"])
        }
    }

    /// Takes one request: nil when the call may go, else how long until the processes' budget has room.
    public func take() async -> Duration? {
        if state.withLock({ $0.spend(at: now()) }) { return nil }
        let grant: Grant
        do {
            grant = try await book(chunk, limit, window + validity)
        } catch {
            if state.withLock({ $0.ledgerFailing(true) }) {
                logger.warning(
                    "The shared Cloudflare budget cannot be booked; calls are paced by this process's budget alone",
                    metadata: ["error": "\(error)"])
            }
            return nil
        }
        if state.withLock({ $0.ledgerFailing(false) }) {
            logger.notice("The shared Cloudflare budget is booked again")
        }
        guard grant.count > 0 else { return max(.milliseconds(1), grant.retryAfter ?? .seconds(1)) }
        let expires = now() + validity
        state.withLock { $0.grants.append((remaining: grant.count - 1, expires: expires)) }
        return nil
    }

    /// Requests granted and not yet spent (tests and metrics).
    public var unspent: Int {
        let now = now()
        return state.withLock { state in state.grants.filter { $0.expires > now }.reduce(0) { $0 + $1.remaining } }
    }

    private struct State {
        var grants: [(remaining: Int, expires: ContinuousClock.Instant)] = []
        var failing = false
        /// When the last pause this process booked in the ledger ends.
        var sharedPauseUntil: ContinuousClock.Instant?

        /// Spends one request of the oldest live grant; false when none is left.
        mutating func spend(at now: ContinuousClock.Instant) -> Bool {
            grants.removeAll { $0.expires <= now || $0.remaining <= 0 }
            guard !grants.isEmpty else { return false }
            grants[0].remaining -= 1
            return true
        }

        /// Records whether the ledger is failing; true when that changed.
        mutating func ledgerFailing(_ value: Bool) -> Bool {
            defer { failing = value }
            return failing != value
        }
    }
}
