import Foundation

/// Work owed to Cloudflare for one image that could not be done when it arose, kept until it is done.
public struct CloudflareFollowUp: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// `require_signed_urls` or `metadata` changed before the upload completed: push the row's values to
        /// Cloudflare once the upload is seen.
        case applySettings = "apply_settings"
        /// The upload expired as a draft and Cloudflare did not delete the draft: retry.
        case deleteDraft = "delete_draft"
    }

    public var cloudflareID: String
    public var kind: Kind
    public var imageID: UUID
    /// Failed attempts so far.
    public var attempts: Int
    /// The last failure's message ("" before any).
    public var lastError: String

    public init(cloudflareID: String, kind: Kind, imageID: UUID, attempts: Int = 0, lastError: String = "") {
        self.cloudflareID = cloudflareID
        self.kind = kind
        self.imageID = imageID
        self.attempts = attempts
        self.lastError = lastError
    }
}
