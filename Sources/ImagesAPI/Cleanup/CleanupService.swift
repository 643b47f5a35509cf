import CloudflareImages
import Foundation
import ImageStore
import JSON
import Logging

/// Expires stale uploads, asking Cloudflare first: for each pending/draft row whose upload URL expired more than
/// ``uploadGrace`` ago, `GET images/v1/{id}` decides. Uploaded there → the row becomes `uploaded` (logged); still a
/// draft → the draft is deleted and the row expired; unknown there → the row is expired. When Cloudflare cannot be
/// reached nothing is expired or deleted: the run stops and the rows wait for the next sweep. A draft Cloudflare
/// refused to delete is remembered (a `delete_draft` follow-up) and retried by later runs. Webhook deliveries older
/// than the retention are forgotten. Used by `POST api/cleanup-expired/`, the periodic ``CleanupSweeper`` and
/// `cfimages cleanup-expired`.
public final class CleanupService: Sendable {
    /// How long after its upload URL expired a row is left alone: an upload that started just before the expiry
    /// may still be arriving, and its draft must not be deleted under it.
    public static let uploadGrace: TimeInterval = 300
    /// Rows checked with Cloudflare per run (each costs a call); the rest wait for the next run.
    public static let batchSize = 200

    let repository: any ImageRepository
    let cloudflare: CloudflareClient
    let logger: Logger
    let now: @Sendable () -> Date
    let reconciler: ImageReconciler
    let webhookRetention: TimeInterval

    /// - Parameter webhookRetention: how long a webhook delivery's key is kept for deduplication.
    public init(
        repository: any ImageRepository, cloudflare: CloudflareClient, logger: Logger,
        now: @escaping @Sendable () -> Date = Date.init, webhookRetention: TimeInterval = 7 * 86_400
    ) {
        self.repository = repository
        self.cloudflare = cloudflare
        self.logger = logger
        self.now = now
        self.reconciler = ImageReconciler(repository: repository, cloudflare: cloudflare, logger: logger, now: now)
        self.webhookRetention = webhookRetention
    }

    /// - Parameters:
    ///   - dryRun: report which rows would be checked (count and the first 10 ids); change nothing, call nothing.
    ///   - deleteOlderThanDays: afterwards, delete expired rows last updated more than this many days ago (rows
    ///     only, as the reference command's `--delete --days N`; runs even when nothing newly expired).
    public func run(dryRun: Bool = false, deleteOlderThanDays: Int? = nil) async throws -> CleanupReport {
        let now = now()
        let cutoff = now.addingTimeInterval(-Self.uploadGrace)
        if dryRun {
            let page = try await repository.expirable(now: cutoff, limit: 10)
            return CleanupReport(
                dryRun: true, expiredCount: page.count, expiredCloudflareIDs: page.items.map(\.cloudflareID))
        }
        var report = CleanupReport(dryRun: false, expiredCount: 0, expiredCloudflareIDs: [])
        let candidates = try await repository.expirable(now: cutoff, limit: Self.batchSize)
        report.deferredCount = max(0, candidates.count - candidates.items.count)
        var cloudflareAnswered = true
        for (index, image) in candidates.items.enumerated() {
            guard try await decide(image, cutoff: cutoff, report: &report) else {
                report.deferredCount += candidates.items.count - index
                cloudflareAnswered = false
                break
            }
        }
        if cloudflareAnswered { await retryDraftDeletes(&report) }
        if let days = deleteOlderThanDays {
            report.deletedCount = try await repository.deleteExpired(
                updatedBefore: now.addingTimeInterval(-Double(days) * 86_400))
        }
        report.webhookEventsPruned = try await repository.pruneWebhookEvents(
            receivedBefore: now.addingTimeInterval(-webhookRetention))
        if report.expiredCount + report.confirmedUploaded + report.deferredCount > 0 || (report.deletedCount ?? 0) > 0 {
            logger.info(
                "Expiry sweep",
                metadata: [
                    "expired": "\(report.expiredCount)", "confirmed_uploaded": "\(report.confirmedUploaded)",
                    "deferred": "\(report.deferredCount)", "cloudflare_deleted": "\(report.cloudflareDeleted)",
                    "cloudflare_failures": "\(report.cloudflareFailures)", "deleted": "\(report.deletedCount ?? 0)",
                ])
        }
        return report
    }

    /// Decides one row with Cloudflare. False when Cloudflare could not answer (the run stops there).
    /// `markedBy`: the user who marked the image expired by hand (the log says so), nil for the sweep.
    func decide(
        _ image: ImageRecord, cutoff: Date, report: inout CleanupReport, markedBy: String? = nil
    ) async throws -> Bool {
        let remote: CloudflareImage?
        do {
            remote = try await reconciler.remoteImage(image.cloudflareID)
        } catch {
            logger.warning(
                "Expiry sweep deferred: Cloudflare did not answer",
                metadata: [
                    "image": "\(image.id.lowercasedText)", "error": "\(error)",
                ])
            return false
        }
        if let remote, remote.uploaded != nil, !remote.draft {
            let trigger = ImageReconciler.Trigger(
                event: "upload_confirmed", message: "Upload found at Cloudflare by the expiry sweep: {status}")
            if try await reconciler.adopt(remote, into: image, trigger) != nil { report.confirmedUploaded += 1 }
            return true
        }
        var deleteFailed = false
        if remote != nil {
            switch await deleteDraft(image.cloudflareID) {
            case .deleted: report.cloudflareDeleted += 1
            case .failed:
                deleteFailed = true
                report.cloudflareFailures += 1
            }
        }
        let message =
            markedBy.map { "Marked expired by \($0) before an upload" }
            ?? (remote == nil
                ? "Upload URL expired; Cloudflare has no such image" : "Upload URL expired before an upload")
        let log = LogEvent(
            "upload_expired", message: message,
            data: [
                "expires_at": .string(Timestamp.format(image.expiresAt)),
                "draft_deleted": .bool(remote != nil && !deleteFailed),
            ])
        if try await repository.expire(
            image.id, expiringBefore: cutoff, log: log, owing: deleteFailed ? .deleteDraft : nil) != nil
        {
            report.expiredCount += 1
            report.expiredCloudflareIDs.append(image.cloudflareID)
        }
        return true
    }

    private enum DeleteOutcome { case deleted, failed }

    private func deleteDraft(_ cloudflareID: String) async -> DeleteOutcome {
        do {
            try await cloudflare.deleteImage(id: cloudflareID)
            return .deleted
        } catch let error where CloudflareFailure.isNotFound(error) {
            return .deleted
        } catch {
            logger.warning(
                "Could not delete expired draft at Cloudflare; will retry",
                metadata: [
                    "cloudflare_id": "\(cloudflareID)", "error": "\(error)",
                ])
            try? await repository.recordCloudflareFollowUpFailure(
                .deleteDraft, cloudflareID: cloudflareID, error: "\(error)")
            return .failed
        }
    }

    /// Drafts earlier runs could not delete, retried; stops at the first failure (Cloudflare is likely down).
    private func retryDraftDeletes(_ report: inout CleanupReport) async {
        guard let owed = try? await repository.cloudflareFollowUps(.deleteDraft, limit: Self.batchSize) else { return }
        for followUp in owed {
            switch await deleteDraft(followUp.cloudflareID) {
            case .deleted:
                _ = try? await repository.settleCloudflareFollowUp(.deleteDraft, cloudflareID: followUp.cloudflareID)
                report.cloudflareDeleted += 1
            case .failed:
                report.cloudflareFailures += 1
                return
            }
        }
    }
}
