import CloudflareImages
import Foundation
import ImageStore
import Logging

/// `cfimages cleanup-expired --delete-orphans --orphan-days N`: deletes, from Cloudflare and here, the uploaded
/// images no content has referenced for N days (never referenced: created N days ago), as the reference command's
/// `_cleanup_orphans` does. The registry must be current (reconcile first). An image is checked for usages right
/// before each delete and skipped if one appeared; a Cloudflare failure keeps the row and counts as a failure.
public struct OrphanCleanup: Sendable {
    /// What a run found and did.
    public struct Report: Sendable, Equatable {
        public var dryRun: Bool
        /// Orphans due when the run started.
        public var dueCount = 0
        /// Up to ten of them, for a dry run's listing.
        public var sampleCloudflareIDs: [String] = []
        public var deleted = 0
        /// Skipped because a usage appeared meanwhile.
        public var nowInUse = 0
        public var failures = 0
    }

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

    public func run(olderThanDays days: Int, dryRun: Bool) async throws -> Report {
        let cutoff = now().addingTimeInterval(-TimeInterval(max(0, days)) * 86_400)
        var report = Report(dryRun: dryRun)
        let first = try await repository.orphans(unreferencedBefore: cutoff, limit: dryRun ? 10 : 200)
        report.dueCount = first.count
        report.sampleCloudflareIDs = Array(first.items.prefix(10).map(\.cloudflareID))
        guard !dryRun else { return report }
        var page = first
        var skipped = Set<UUID>()
        while !page.items.isEmpty {
            var progressed = false
            for image in page.items where !skipped.contains(image.id) {
                guard try await repository.usageCount(imageID: image.id) == 0 else {
                    report.nowInUse += 1
                    skipped.insert(image.id)
                    continue
                }
                do {
                    try await cloudflare.deleteImage(id: image.cloudflareID)
                } catch let error where CloudflareFailure.isNotFound(error) {
                    // Already gone there: the row goes too.
                } catch {
                    logger.warning(
                        "Could not delete an orphaned image at Cloudflare",
                        metadata: [
                            "image": "\(image.id.lowercasedText)", "error": "\(error)",
                        ])
                    report.failures += 1
                    skipped.insert(image.id)
                    continue
                }
                if try await repository.delete(.id(image.id), owner: nil) { report.deleted += 1 }
                progressed = true
            }
            guard progressed else { break }
            page = try await repository.orphans(unreferencedBefore: cutoff, limit: 200 + skipped.count)
        }
        logger.info(
            "Orphan cleanup finished",
            metadata: [
                "deleted": "\(report.deleted)", "failures": "\(report.failures)", "now_in_use": "\(report.nowInUse)",
            ])
        return report
    }
}
