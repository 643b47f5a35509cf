import CloudflareImages
import Foundation
import ImageStore

/// How an image listed by Cloudflare becomes a row (sync and import), and what a listing changes on a tracked row.
enum SyncMapping {
    /// A row for an image that has its bytes at Cloudflare, as the reference's `register_uploaded_image` makes it:
    /// status uploaded, `upload_url` "", `expires_at` now, `metadata` and `cloudflare_metadata` both from `meta`.
    static func newRecord(_ image: CloudflareImage, owner: String, now: Date) -> ImageRecord {
        ImageRecord(
            cloudflareID: image.id,
            owner: owner,
            filename: String((image.filename ?? "").prefix(255)),
            uploadURL: "",
            status: .uploaded,
            requireSignedURLs: image.requireSignedURLs,
            metadata: image.meta,
            creator: String((image.creator ?? "").prefix(255)),
            createdAt: now,
            uploadedAt: image.uploaded ?? now,
            expiresAt: now,
            variants: image.variants,
            cloudflareMetadata: image.meta
        )
    }

    /// Applies what Cloudflare lists (contract §3.1's `update_from_cloudflare_response`, plus `requireSignedURLs`
    /// as registration does). A draft at Cloudflare never turns an expired or failed row back into a draft.
    static func refresh(_ record: inout ImageRecord, from image: CloudflareImage, now: Date) {
        let before = record.status
        CloudflareUpdate.apply(image, to: &record, now: now)
        if !image.draft, image.uploaded == nil, record.status != .uploaded {
            record.status = .uploaded
            record.uploadedAt = record.uploadedAt ?? now
        }
        if image.draft, before == .expired || before == .failed { record.status = before }
        record.requireSignedURLs = image.requireSignedURLs
    }

    /// The names of the synced fields that differ (dates compared at the microsecond precision they are stored at).
    static func changedFields(_ old: ImageRecord, _ new: ImageRecord) -> [String] {
        func micros(_ date: Date?) -> Int64? { date.map { Int64(($0.timeIntervalSince1970 * 1_000_000).rounded()) } }
        var changed: [String] = []
        if old.status != new.status { changed.append("status") }
        if micros(old.uploadedAt) != micros(new.uploadedAt) { changed.append("uploaded_at") }
        if old.variants != new.variants { changed.append("variants") }
        if old.filename != new.filename { changed.append("filename") }
        if old.creator != new.creator { changed.append("creator") }
        if old.cloudflareMetadata != new.cloudflareMetadata { changed.append("cloudflare_metadata") }
        if old.requireSignedURLs != new.requireSignedURLs { changed.append("require_signed_urls") }
        return changed
    }
}
