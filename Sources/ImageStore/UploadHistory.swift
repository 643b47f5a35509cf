/// Uploads per day (migration 0007 keeps them with triggers), for the console's stats chart.
public protocol UploadHistory: Sendable {
    /// Uploads per UTC day (days since 1970-01-01) from `firstDay` on, for one owner or (nil) everyone; days without
    /// uploads are absent.
    func uploadsPerDay(owner: String?, since firstDay: Int64) async throws -> [Int64: Int]
}
