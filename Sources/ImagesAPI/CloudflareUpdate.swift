import CloudflareImages
import Foundation
import ImageStore
import JSON

/// The reference's `update_from_cloudflare_response` (contract §3.1): what a Cloudflare image result or a webhook
/// payload changes on a tracked image.
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

    /// A webhook payload field has the wrong type (the reference crashes with a 500 on these; we answer 400).
    struct PayloadError: Error {
        let field: String
    }

    /// Applies a flat webhook payload (`id`, `uploaded`, `draft`, `variants`, `metadata`/`meta`, `creator`,
    /// `filename`, `width`, `height`, `format`). `"status": "failed"` (or `"failed": true`) marks the upload failed.
    static func apply(payload: [String: JSONValue], to record: inout ImageRecord, now: Date) throws(PayloadError) {
        if let uploaded = payload["uploaded"] {
            let parsed = uploaded.stringValue.flatMap(Timestamp.parse)
            record.uploadedAt = parsed ?? record.uploadedAt ?? now
            record.status = .uploaded
        }
        if let draft = payload["draft"], Self.truthy(draft) { record.status = .draft }
        if Self.reportsFailure(payload) { record.status = .failed }
        if let variants = payload["variants"] {
            guard case .array(let items) = variants else { throw PayloadError(field: "variants") }
            record.variants = try items.map { item throws(PayloadError) in
                guard let url = item.stringValue else { throw PayloadError(field: "variants") }
                return url
            }
        }
        if let metadata = payload["metadata"] ?? payload["meta"] {
            switch metadata {
            case .object(let members): record.cloudflareMetadata = members
            case .null: break
            default: throw PayloadError(field: "metadata")
            }
        }
        if let creator = payload["creator"], truthy(creator) {
            guard let text = creator.stringValue else { throw PayloadError(field: "creator") }
            record.creator = String(text.prefix(255))
        }
        if let filename = payload["filename"], truthy(filename) {
            guard let text = filename.stringValue else { throw PayloadError(field: "filename") }
            record.filename = String(text.prefix(255))
        }
        for (name, keyPath) in [("width", \ImageRecord.width), ("height", \.height)] {
            guard let value = payload[name] else { continue }
            switch value {
            case .null: record[keyPath: keyPath] = nil
            case .int(let n) where n >= 0 && n <= Int64(Int32.max): record[keyPath: keyPath] = Int(n)
            default: throw PayloadError(field: name)
            }
        }
        if let format = payload["format"] {
            switch format {
            case .null: record.format = ""
            case .string(let text) where text.count <= 10: record.format = text
            default: throw PayloadError(field: "format")
            }
        }
    }

    static func reportsFailure(_ payload: [String: JSONValue]) -> Bool {
        if let status = payload["status"]?.stringValue, status.lowercased() == "failed" { return true }
        if case .bool(true)? = payload["failed"] { return true }
        return false
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
