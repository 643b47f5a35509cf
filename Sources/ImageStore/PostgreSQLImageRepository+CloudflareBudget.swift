import Foundation
import PostgreSQL
import SQLite

extension PostgreSQLImageRepository: CloudflareBudgetStore {
    /// Instances booking at once queue on a transaction advisory lock, so each sees the others' bookings.
    public func bookCloudflareRequests(
        _ count: Int, limit: Int, window: Duration, now: Date
    ) async throws
        -> CloudflareRequestBooking
    {
        try await database.write { session in
            try Self.lockLedger(session)
            try session.execute(
                CloudflareBudgetSQL.forget, [.integer(CloudflareBudgetSQL.horizon(now: now, window: window))])
            let (booked, oldest) =
                try session.first(CloudflareBudgetSQL.booked) { row in
                    (row.int64(at: 0), row.int64(at: 1))
                } ?? (0, 0)
            let booking = CloudflareBudgetSQL.decide(
                count, limit: limit, booked: booked, oldest: oldest, window: window, now: now)
            if booking.granted > 0 {
                try session.execute(
                    CloudflareBudgetSQL.book, [.integer(now.microseconds), .integer(Int64(booking.granted))])
            }
            return booking
        }
    }

    public func pauseCloudflareRequests(for duration: Duration, limit: Int, window: Duration, now: Date) async throws {
        guard let booking = CloudflareBudgetSQL.pause(for: duration, limit: limit, window: window, now: now) else {
            return
        }
        try await database.write { session in
            try Self.lockLedger(session)
            try session.execute(CloudflareBudgetSQL.book, booking)
        }
    }

    /// The transaction advisory lock every change of the ledger takes first.
    private static func lockLedger(_ session: PostgreSQLSession) throws {
        try session.execute(
            "SELECT pg_advisory_xact_lock(?::int, hashtext('cloudflare_request_grants'))",
            [.integer(Migrator.advisoryLockKey)])
    }
}
