import Foundation
import ImageStore
import JSON
import Logging

extension SyncService {
    /// Rows Cloudflare did not list, among those not changed since the run began (a row changed later may belong to
    /// an upload the listing had already passed):
    /// - pending/draft rows whose upload URL has expired become `expired` (log `upload_expired`): the upload can no
    ///   longer happen. Unexpired ones are left alone, since Cloudflare does not list drafts.
    /// - uploaded rows are counted and reported as missing; with `prune` they become `failed` (log `image_missing`).
    ///   Rows are never deleted.
    /// Failed and expired rows are left as they are.
    func reconcileMissing(
        _ options: Options, checkpoint: SyncCheckpoint, scope: String, now: Date, report: inout SyncReport
    ) async throws {
        let before = checkpoint.startedAt
        let expiring = try await repository.imagesUnseenBySync(
            scope: scope, statuses: [.pending, .draft], updatedBefore: before, expiringBefore: now, limit: 0)
        if options.dryRun {
            report.reconciled += expiring.count
        } else if expiring.count > 0 {
            report.reconciled += try await markUnseen(
                scope: scope, statuses: [.pending, .draft], updatedBefore: before, expiringBefore: now, to: .expired,
                log: LogEvent(
                    "upload_expired", message: "Upload URL expired and Cloudflare has no such image (sync)",
                    data: ["source": "sync"]))
        }

        let missing = try await repository.imagesUnseenBySync(
            scope: scope, statuses: [.uploaded], updatedBefore: before, expiringBefore: nil, limit: 10)
        report.missing = missing.count
        report.missingIDs = missing.items.map(\.cloudflareID)
        guard options.prune, missing.count > 0 else { return }
        if options.dryRun {
            report.pruned = missing.count
            return
        }
        report.pruned = try await markUnseen(
            scope: scope, statuses: [.uploaded], updatedBefore: before, expiringBefore: nil, to: .failed,
            log: LogEvent(
                "image_missing", message: "Image no longer at Cloudflare (sync --prune)", data: ["source": "sync"]))
        logger.warning("Marked images missing at Cloudflare as failed", metadata: ["count": "\(report.pruned)"])
    }

    /// Moves every unseen row in `statuses` to `status`, in batches, each row with `log`. Returns how many moved.
    private func markUnseen(
        scope: String, statuses: [ImageStatus], updatedBefore: Date, expiringBefore: Date?, to status: ImageStatus,
        log: ImageStore.LogEvent
    ) async throws -> Int {
        var moved = 0
        var visited = Set<UUID>()
        while true {
            let batch = try await repository.imagesUnseenBySync(
                scope: scope, statuses: statuses, updatedBefore: updatedBefore, expiringBefore: expiringBefore,
                limit: 200)
            let fresh = batch.items.filter { visited.insert($0.id).inserted }
            // Rows that changed status leave the query; a batch of already-visited rows means the rest changed
            // otherwise meanwhile (or moved under us), so stop rather than loop.
            if fresh.isEmpty { return moved }
            for record in fresh {
                do {
                    let updated = try await repository.update(.id(record.id), owner: nil) { row in
                        // Re-checked inside the transaction: a webhook may have changed the row since the query.
                        guard statuses.contains(row.status) else { throw StatusChanged() }
                        row.status = status
                        return log
                    }
                    if updated != nil { moved += 1 }
                } catch is StatusChanged {
                    continue
                }
            }
        }
    }
}

/// Thrown inside an update to leave a row untouched (the repository then writes nothing).
private struct StatusChanged: Error {}
