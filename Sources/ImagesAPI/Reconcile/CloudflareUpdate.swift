import CloudflareImages
import Foundation
import ImageStore
import JSON

/// The reference's `update_from_cloudflare_response` (contract §3.1): what a Cloudflare image result changes on a
/// tracked image.
enum CloudflareUpdate {
    /// Applies an API result (`GET images/v1/{id}`). `requireSignedURLs` is not copied, as in the reference.
    static func apply(_ result: CloudflareImage, to record: inout ImageRecord, now: Date) {
        if let uploaded = result.uploaded {
            record.uploadedAt = uploaded
            record.status = .uploaded
        }
        if result.draft { record.status = .draft }
        record.variants = result.variants
        record.cloudflareMetadata = result.meta
        if let creator = result.creator, !creator.isEmpty { record.creator = String(creator.prefix(255)) }
        if let filename = result.filename, !filename.isEmpty { record.filename = String(filename.prefix(255)) }
    }

    /// Python truthiness.
    static func truthy(_ value: JSONValue) -> Bool {
        switch value {
        case .null: false
        case .bool(let b): b
        case .int(let i): i != 0
        case .double(let d): d != 0
        case .string(let s): !s.isEmpty
        case .array(let a): !a.isEmpty
        case .object(let o): !o.isEmpty
        }
    }
}
