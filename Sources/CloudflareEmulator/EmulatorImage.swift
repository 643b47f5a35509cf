import Foundation
import JSON

/// One image as the emulator keeps it: Cloudflare's fields plus the upload URL state and what sniffing found.
struct EmulatorImage: Sendable, Equatable {
    var id: String
    var filename: String?
    var creator: String?
    /// The metadata as compact JSON object text.
    var metadataJSON: String
    var requireSignedURLs: Bool
    /// Creation time of the record (draft) or upload time, in Unix milliseconds.
    var uploaded: Int64
    var draft: Bool
    /// The one-time upload token of a direct upload, kept after use so a second upload can be told apart.
    var uploadToken: String?
    var uploadExpires: Int64?
    var format: ImageFormat?
    var width: Int?
    var height: Int?
    var size: Int?

    var metadata: [String: JSONValue] {
        (try? JSONValue.parse(Array(metadataJSON.utf8)))?.objectValue ?? [:]
    }

    /// Cloudflare's image object: `id, filename, creator, meta, requireSignedURLs, uploaded, variants` and `draft: true`
    /// while no bytes have arrived (Cloudflare omits `draft` once uploaded).
    func cloudflareObject(variants: [String]) -> [String: JSONValue] {
        var object: [String: JSONValue] = [
            "id": .string(id),
            "meta": .object(metadata),
            "requireSignedURLs": .bool(requireSignedURLs),
            "uploaded": .string(EmulatorDate(millisecondsSince1970: uploaded).rfc3339),
            "variants": .array(draft ? [] : variants.map(JSONValue.string)),
            "filename": filename.map(JSONValue.string) ?? .null,
            "creator": creator.map(JSONValue.string) ?? .null,
        ]
        if draft { object["draft"] = true }
        return object
    }

    /// The flat object a webhook carries: the image object plus `metadata` (the name the toolkit's webhook view
    /// reads), `draft` always present, and `format`, `width`, `height`, `size` once known.
    func webhookObject(variants: [String], status: String) -> [String: JSONValue] {
        var object = cloudflareObject(variants: variants)
        object["metadata"] = .object(metadata)
        object["draft"] = .bool(draft)
        object["status"] = .string(status)
        if let format { object["format"] = .string(format.rawValue) }
        if let width { object["width"] = .int(Int64(width)) }
        if let height { object["height"] = .int(Int64(height)) }
        if let size { object["size"] = .int(Int64(size)) }
        return object
    }
}
