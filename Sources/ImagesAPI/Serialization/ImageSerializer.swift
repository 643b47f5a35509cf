import Foundation
import ImageStore
import JSON

/// Writes images, logs and upload responses in the reference serializers' exact field order (contract §4).
struct ImageSerializer: Sendable {
    let links: DeliveryLinks

    /// CloudflareImageSerializer: list, retrieve, update, by-cloudflare-id.
    func write(_ image: ImageRecord, now: Date, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key(Keys.id)
        Self.write(image.id, into: &writer)
        writer.key(Keys.cloudflareID)
        writer.string(image.cloudflareID)
        writer.key(Keys.filename)
        writer.string(image.filename)
        writer.key(Keys.originalFilename)
        writer.string(image.originalFilename)
        writer.key(Keys.contentType)
        writer.string(image.contentType)
        writer.key(Keys.fileSize)
        writer.int(image.fileSize)
        writer.key(Keys.uploadURL)
        writer.string(image.uploadURL)
        writer.key(Keys.status)
        writer.string(image.status.rawValue)
        writer.key(Keys.requireSignedURLs)
        writer.bool(image.requireSignedURLs)
        writer.key(Keys.metadata)
        writer.object(image.metadata)
        writer.key(Keys.createdAt)
        Self.write(image.createdAt, into: &writer)
        writer.key(Keys.updatedAt)
        Self.write(image.updatedAt, into: &writer)
        writer.key(Keys.uploadedAt)
        Self.write(image.uploadedAt, into: &writer)
        writer.key(Keys.expiresAt)
        Self.write(image.expiresAt, into: &writer)
        writer.key(Keys.variants)
        writeStrings(image.variants, into: &writer)
        writer.key(Keys.cloudflareMetadata)
        writer.object(image.cloudflareMetadata)
        writeDeliveryURLs(image.variants, into: &writer)
        writer.key(Keys.isExpired)
        writer.bool(image.isExpired(now: now))
        writer.key(Keys.isUploaded)
        writer.bool(image.isUploaded)
        writer.endObject()
    }

    /// A typical image is 700-900 bytes of JSON. 992 bytes plus the array's 32-byte header stay within glibc's
    /// per-thread cache (blocks up to 1,032 bytes); 1,024 went to the shared bins, which consolidate on every call
    /// (~1,100 instructions per response).
    static let typicalImageBytes = 992

    func bytes(_ image: ImageRecord, now: Date) -> [UInt8] {
        var writer = JSONWriter(capacity: Self.typicalImageBytes)
        write(image, now: now, into: &writer)
        return writer.bytes
    }

    /// ImageStatusSerializer: check_status and bulk_status_check items.
    func writeStatus(_ image: ImageRecord, now: Date, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key(Keys.id)
        Self.write(image.id, into: &writer)
        writer.key(Keys.cloudflareID)
        writer.string(image.cloudflareID)
        writer.key(Keys.status)
        writer.string(image.status.rawValue)
        writer.key(Keys.uploadedAt)
        Self.write(image.uploadedAt, into: &writer)
        writer.key(Keys.variants)
        writeStrings(image.variants, into: &writer)
        writeDeliveryURLs(image.variants, into: &writer)
        writer.key(Keys.isUploaded)
        writer.bool(image.isUploaded)
        writer.key(Keys.isExpired)
        writer.bool(image.isExpired(now: now))
        writer.endObject()
    }

    /// ImageUploadResponseSerializer.
    func uploadResponse(_ image: ImageRecord) -> [UInt8] {
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.key(Keys.id)
        Self.write(image.id, into: &writer)
        writer.key(Keys.cloudflareID)
        writer.string(image.cloudflareID)
        writer.key(Keys.uploadURL)
        writer.string(image.uploadURL)
        writer.key(Keys.expiresAt)
        Self.write(image.expiresAt, into: &writer)
        writer.key(Keys.status)
        writer.string(image.status.rawValue)
        writer.endObject()
        return writer.bytes
    }

    /// ImageUploadLogSerializer.
    func write(_ log: UploadLogEntry, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key(Keys.id)
        writer.int(log.id)
        writer.key(Keys.eventType)
        writer.string(log.eventType)
        writer.key(Keys.message)
        writer.string(log.message)
        writer.key(Keys.data)
        writer.object(log.data)
        writer.key(Keys.timestamp)
        Self.write(log.timestamp, into: &writer)
        writer.endObject()
    }

    /// `public_url` and `thumbnail_url`.
    private func writeDeliveryURLs(_ variants: [String], into writer: inout JSONWriter) {
        let urls = links.urls(variants)
        writer.key(Keys.publicURL)
        writer.string(urls.public)
        writer.key(Keys.thumbnailURL)
        writer.string(urls.thumbnail)
    }

    private func writeStrings(_ strings: [String], into writer: inout JSONWriter) {
        writer.beginArray()
        for string in strings { writer.string(string) }
        writer.endArray()
    }

    /// Lower-case, hyphenated.
    static func uuid(_ id: UUID) -> String { id.lowercasedText }

    private static func write(_ id: UUID, into writer: inout JSONWriter) {
        writer.raw { id.appendLowercasedText(to: &$0, quoted: true) }
    }

    /// A DRF timestamp, or null.
    private static func write(_ date: Date?, into writer: inout JSONWriter) {
        guard let date else { return writer.null() }
        writer.raw { Timestamp.appendJSON(date, to: &$0) }
    }

    /// Every member name these serializers write, encoded once.
    private enum Keys {
        static let cloudflareID: StaticString = "cloudflare_id"
        static let cloudflareMetadata: StaticString = "cloudflare_metadata"
        static let contentType: StaticString = "content_type"
        static let createdAt: StaticString = "created_at"
        static let data: StaticString = "data"
        static let eventType: StaticString = "event_type"
        static let expiresAt: StaticString = "expires_at"
        static let fileSize: StaticString = "file_size"
        static let filename: StaticString = "filename"
        static let id: StaticString = "id"
        static let isExpired: StaticString = "is_expired"
        static let isUploaded: StaticString = "is_uploaded"
        static let message: StaticString = "message"
        static let metadata: StaticString = "metadata"
        static let originalFilename: StaticString = "original_filename"
        static let publicURL: StaticString = "public_url"
        static let requireSignedURLs: StaticString = "require_signed_urls"
        static let status: StaticString = "status"
        static let thumbnailURL: StaticString = "thumbnail_url"
        static let timestamp: StaticString = "timestamp"
        static let updatedAt: StaticString = "updated_at"
        static let uploadURL: StaticString = "upload_url"
        static let uploadedAt: StaticString = "uploaded_at"
        static let variants: StaticString = "variants"
    }
}
