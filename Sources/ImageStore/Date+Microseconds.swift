import Foundation

/// Storage form of timestamps: whole microseconds since the Unix epoch, UTC, in INTEGER columns.
extension Date {
    var microseconds: Int64 { Int64((timeIntervalSince1970 * 1_000_000).rounded()) }

    init(microseconds: Int64) {
        self.init(timeIntervalSince1970: Double(microseconds) / 1_000_000)
    }

    /// This date at the precision it is stored with.
    var storagePrecision: Date { Date(microseconds: microseconds) }
}
