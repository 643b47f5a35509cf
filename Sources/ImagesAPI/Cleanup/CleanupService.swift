import CloudflareImages
import Foundation
import ImageStore
import Logging

/// Expires stale uploads: pending/draft images whose upload URL expired become `expired` (each with an
/// `upload_expired` log row, in one transaction), then their drafts are deleted at Cloudflare (already gone is
/// fine). Used by `POST api/cleanup-expired/`, the periodic ``CleanupSweeper`` and `cfimages cleanup-expired`.
public final class CleanupService: Sendable {
    let repository: any ImageRepository
    let cloudflare: CloudflareClient
    let logger: Logger
    let now: @Sendable () -> Date

    public init(
        repository: any ImageRepository, cloudflare: CloudflareClient, logger: Logger,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.repository = repository
        self.cloudflare = cloudflare
        self.logger = logger
        self.now = now
    }

    /// - Parameters:
    ///   - dryRun: report what would expire (count and the first 10 ids); change nothing, call nothing.
    ///   - deleteOlderThanDays: afterwards, delete expired rows last updated more than this many days ago (rows
    ///     only, as the reference command's `--delete --days N`; runs even when nothing newly expired).
    public func run(dryRun: Bool = false, deleteOlderThanDays: Int? = nil) async throws -> CleanupReport {
        let now = now()
        if dryRun {
            let page = try await repository.expirable(now: now, limit: 10)
            return CleanupReport(dryRun: true, expiredCount: page.count, expiredCloudflareIDs: page.items.map(\.cloudflareID))
        }
        let expired = try await repository.expireStale(now: now)
        var report = CleanupReport(dryRun: false, expiredCount: expired.count, expiredCloudflareIDs: expired.map(\.cloudflareID))
        for image in expired {
            do {
                try await cloudflare.deleteImage(id: image.cloudflareID)
                report.cloudflareDeleted += 1
            } catch where CloudflareFailure.isNotFound(error) {
                report.cloudflareDeleted += 1
            } catch {
                report.cloudflareFailures += 1
                logger.warning("Could not delete expired draft at Cloudflare", metadata: [
                    "image": "\(image.id.lowercasedText)", "error": "\(error)",
                ])
            }
        }
        if let days = deleteOlderThanDays {
            report.deletedCount = try await repository.deleteExpired(updatedBefore: now.addingTimeInterval(-Double(days) * 86_400))
        }
        if report.expiredCount > 0 || (report.deletedCount ?? 0) > 0 {
            logger.info("Expired stale uploads", metadata: [
                "expired": "\(report.expiredCount)", "cloudflare_deleted": "\(report.cloudflareDeleted)",
                "cloudflare_failures": "\(report.cloudflareFailures)", "deleted": "\(report.deletedCount ?? 0)",
            ])
        }
        return report
    }
}
