import Foundation

/// How far a `cfimages sync` run has got, as stored after each page of Cloudflare's listing.
public struct SyncCheckpoint: Sendable, Hashable {
    /// Which run this is (`"account"` for real runs; dry runs keep their own).
    public var scope: String
    /// The continuation token of the next page to list; nil for the first page (or when the listing is complete).
    public var continuationToken: String?
    /// Every page has been listed; only the reconciliation of rows Cloudflare no longer has is left.
    public var listingComplete: Bool
    /// Pages listed so far.
    public var pages: Int
    /// Images listed so far.
    public var imagesSeen: Int
    /// When the run began. Rows changed since then are never reported missing: they may have been uploaded after
    /// the listing passed them.
    public var startedAt: Date
    public var updatedAt: Date

    public init(
        scope: String, continuationToken: String? = nil, listingComplete: Bool = false, pages: Int = 0,
        imagesSeen: Int = 0, startedAt: Date, updatedAt: Date? = nil
    ) {
        self.scope = scope
        self.continuationToken = continuationToken
        self.listingComplete = listingComplete
        self.pages = pages
        self.imagesSeen = imagesSeen
        self.startedAt = startedAt
        self.updatedAt = updatedAt ?? startedAt
    }
}
