import Foundation
import SQLite

extension SQLiteImageRepository: CloudflareBudgetStore {
    public func bookCloudflareRequests(
        _ count: Int, limit: Int, window: Duration, now: Date
    ) async throws
        -> CloudflareRequestBooking
    {
        try await database.write { connection in
            try connection.execute(
                CloudflareBudgetSQL.forget, [.integer(CloudflareBudgetSQL.horizon(now: now, window: window))])
            let (booked, oldest) =
                try connection.query(CloudflareBudgetSQL.booked) { row in
                    (row.int64(at: 0), row.int64(at: 1))
                }.first ?? (0, 0)
            let booking = CloudflareBudgetSQL.decide(
                count, limit: limit, booked: booked, oldest: oldest, window: window, now: now)
            if booking.granted > 0 {
                try connection.execute(
                    CloudflareBudgetSQL.book, [.integer(now.microseconds), .integer(Int64(booking.granted))])
            }
            return booking
        }
    }

    public func pauseCloudflareRequests(for duration: Duration, limit: Int, window: Duration, now: Date) async throws {
        guard let booking = CloudflareBudgetSQL.pause(for: duration, limit: limit, window: window, now: now) else {
            return
        }
        try await database.write { try $0.execute(CloudflareBudgetSQL.book, booking) }
    }
}
