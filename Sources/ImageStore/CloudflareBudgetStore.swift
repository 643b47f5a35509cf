import Foundation
import SQLite

/// The Cloudflare request budget as every process on one database shares it: the instances of a PostgreSQL
/// deployment, or `cfimages sync` beside `serve` on one SQLite file. Cloudflare's limit is per account, so the
/// processes book requests from one ledger instead of each spending the whole limit.
public protocol CloudflareBudgetStore: Sendable {
    /// Books up to `count` requests at `now`, out of at most `limit` booked by all callers in any `window`. Grants
    /// only what is free (all, part or none); a booking counts against the limit until `window` after it.
    func bookCloudflareRequests(
        _ count: Int, limit: Int, window: Duration, now: Date
    ) async throws
        -> CloudflareRequestBooking

    /// Cloudflare refuses calls for `duration` from `now` (a 429): books the whole `limit`, dated so that it counts
    /// against the `window` of later bookings exactly until then, so no caller is granted anything before.
    func pauseCloudflareRequests(for duration: Duration, limit: Int, window: Duration, now: Date) async throws
}

/// What ``CloudflareBudgetStore/bookCloudflareRequests(_:limit:window:now:)`` granted.
public struct CloudflareRequestBooking: Sendable, Equatable {
    /// Requests booked for the caller (0 when none was free).
    public var granted: Int
    /// With nothing granted: how long until the oldest booking stops counting and frees some.
    public var retryAfter: Duration?

    public init(granted: Int, retryAfter: Duration?) {
        self.granted = granted
        self.retryAfter = retryAfter
    }
}

/// The statements both backends run, in one transaction (serialised: SQLite's one writer, PostgreSQL's advisory
/// lock), and what they decide.
enum CloudflareBudgetSQL {
    static let forget = "DELETE FROM cloudflare_request_grants WHERE granted_at <= ?1"
    static let booked = "SELECT coalesce(sum(count), 0), coalesce(min(granted_at), 0) FROM cloudflare_request_grants"
    static let book = "INSERT INTO cloudflare_request_grants (granted_at, count) VALUES (?1, ?2)"

    /// The booking that stands for a pause of `duration` from `now`: `limit` requests at its end less `window`;
    /// nil for no pause.
    static func pause(for duration: Duration, limit: Int, window: Duration, now: Date) -> [SQLiteValue]? {
        guard duration > .zero else { return nil }
        let dated = now.microseconds + duration.microseconds - window.microseconds
        return [.integer(dated), .integer(Int64(min(max(1, limit), Int(Int32.max))))]
    }

    /// The oldest booking still counting at `now`: the one at or before it has stopped.
    static func horizon(now: Date, window: Duration) -> Int64 {
        now.microseconds - window.microseconds
    }

    /// How much of `count` fits beside `booked` (whose oldest was at `oldest`), and when nothing does, the wait.
    static func decide(
        _ count: Int, limit: Int, booked: Int64, oldest: Int64, window: Duration, now: Date
    )
        -> CloudflareRequestBooking
    {
        let free = max(0, Int64(max(0, limit)) - booked)
        let granted = Int(min(Int64(max(0, count)), free))
        guard granted == 0 else { return CloudflareRequestBooking(granted: granted, retryAfter: nil) }
        let frees = oldest + window.microseconds - now.microseconds
        return CloudflareRequestBooking(granted: 0, retryAfter: .microseconds(max(1_000, frees)))
    }
}

extension Duration {
    /// Whole microseconds, clamped to 0 ... 2^52 (about 140 years), so sums with a timestamp cannot overflow.
    fileprivate var microseconds: Int64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        guard seconds < (1 << 52) / 1_000_000 else { return 1 << 52 }
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}
