import Foundation
import ImageStore

extension CleanupService {
    /// What marking one image expired did.
    public enum MarkOutcome: String, Sendable {
        /// Expired now (its draft deleted at Cloudflare, or owed).
        case expired
        /// Cloudflare has it uploaded: it was marked uploaded instead.
        case uploaded
        /// Not pending or draft: nothing to expire.
        case notPending = "not_pending"
        /// Cloudflare did not answer; nothing changed.
        case deferred
    }

    /// Expires pending or draft images now, before their upload URLs run out, exactly as the sweep decides an expired
    /// one (Cloudflare is asked first: an image it has uploaded is adopted as uploaded, a draft is deleted there).
    public func markExpired(_ images: [ImageRecord], by userName: String) async throws -> [UUID: MarkOutcome] {
        var outcomes: [UUID: MarkOutcome] = [:]
        for image in images {
            guard image.status == .pending || image.status == .draft else {
                outcomes[image.id] = .notPending
                continue
            }
            var report = CleanupReport(dryRun: false, expiredCount: 0, expiredCloudflareIDs: [])
            guard try await decide(image, cutoff: .distantFuture, report: &report, markedBy: userName) else {
                outcomes[image.id] = .deferred
                continue
            }
            outcomes[image.id] =
                report.confirmedUploaded > 0 ? .uploaded : report.expiredCount > 0 ? .expired : .notPending
        }
        return outcomes
    }
}
