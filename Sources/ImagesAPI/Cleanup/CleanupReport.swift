import Foundation

/// What one cleanup run did (or, in a dry run, would do).
public struct CleanupReport: Sendable, Equatable {
    public var dryRun: Bool
    /// Pending/draft images past their upload expiry: marked expired (or, dry, that would be).
    public var expiredCount: Int
    /// Cloudflare ids of the expired images (at most the first 10 in a dry run).
    public var expiredCloudflareIDs: [String]
    /// Drafts deleted at Cloudflare (already-absent ones and retried ones included).
    public var cloudflareDeleted: Int
    /// Drafts Cloudflare refused to delete (the rows are expired anyway; the deletes are retried by later runs).
    public var cloudflareFailures: Int
    /// Rows past their expiry that Cloudflare has as uploaded: now `uploaded`, never expired.
    public var confirmedUploaded = 0
    /// Rows past their expiry left for a later run (Cloudflare did not answer, or more than one run's batch).
    public var deferredCount = 0
    /// Webhook delivery keys forgotten (older than the retention).
    public var webhookEventsPruned = 0
    /// Expired rows deleted locally by `deleteOlderThanDays`; nil when not asked (or in a dry run).
    public var deletedCount: Int?

    public init(
        dryRun: Bool, expiredCount: Int, expiredCloudflareIDs: [String], cloudflareDeleted: Int = 0,
        cloudflareFailures: Int = 0, deletedCount: Int? = nil
    ) {
        self.dryRun = dryRun
        self.expiredCount = expiredCount
        self.expiredCloudflareIDs = expiredCloudflareIDs
        self.cloudflareDeleted = cloudflareDeleted
        self.cloudflareFailures = cloudflareFailures
        self.deletedCount = deletedCount
    }
}
