import Foundation
import ImageStore
import JSON

/// Writes images, logs and upload responses in the reference serializers' exact field order (contract §4).
struct ImageSerializer: Sendable {
    let links: DeliveryLinks

    /// CloudflareImageSerializer: list, retrieve, update, by-cloudflare-id.
    func write(_ image: ImageRecord, now: Date, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("id")
        Self.write(image.id, into: &writer)
        writer.key("cloudflare_id")
        writer.string(image.cloudflareID)
        writer.key("filename")
        writer.string(image.filename)
        writer.key("original_filename")
        writer.string(image.originalFilename)
        writer.key("content_type")
        writer.string(image.contentType)
        writer.key("file_size")
        writer.int(image.fileSize)
        writer.key("upload_url")
        writer.string(image.uploadURL)
        writer.key("status")
        writer.string(image.status.rawValue)
        writer.key("require_signed_urls")
        writer.bool(image.requireSignedURLs)
        writer.key("metadata")
        writer.object(image.metadata)
        writer.key("created_at")
        Self.write(image.createdAt, into: &writer)
        writer.key("updated_at")
        Self.write(image.updatedAt, into: &writer)
        writer.key("uploaded_at")
        Self.write(image.uploadedAt, into: &writer)
        writer.key("expires_at")
        Self.write(image.expiresAt, into: &writer)
        writer.key("variants")
        writeStrings(image.variants, into: &writer)
        writer.key("cloudflare_metadata")
        writer.object(image.cloudflareMetadata)
        writer.key("public_url")
        writer.string(links.publicURL(image.variants))
        writer.key("thumbnail_url")
        writer.string(links.thumbnailURL(image.variants))
        writer.key("is_expired")
        writer.bool(image.isExpired(now: now))
        writer.key("is_uploaded")
        writer.bool(image.isUploaded)
        writer.endObject()
    }

    func bytes(_ image: ImageRecord, now: Date) -> [UInt8] {
        var writer = JSONWriter(capacity: 1024)
        write(image, now: now, into: &writer)
        return writer.bytes
    }

    /// ImageStatusSerializer: check_status and bulk_status_check items.
    func writeStatus(_ image: ImageRecord, now: Date, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("id")
        Self.write(image.id, into: &writer)
        writer.key("cloudflare_id")
        writer.string(image.cloudflareID)
        writer.key("status")
        writer.string(image.status.rawValue)
        writer.key("uploaded_at")
        Self.write(image.uploadedAt, into: &writer)
        writer.key("variants")
        writeStrings(image.variants, into: &writer)
        writer.key("public_url")
        writer.string(links.publicURL(image.variants))
        writer.key("thumbnail_url")
        writer.string(links.thumbnailURL(image.variants))
        writer.key("is_uploaded")
        writer.bool(image.isUploaded)
        writer.key("is_expired")
        writer.bool(image.isExpired(now: now))
        writer.endObject()
    }

    /// ImageUploadResponseSerializer.
    func uploadResponse(_ image: ImageRecord) -> [UInt8] {
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.key("id")
        Self.write(image.id, into: &writer)
        writer.key("cloudflare_id")
        writer.string(image.cloudflareID)
        writer.key("upload_url")
        writer.string(image.uploadURL)
        writer.key("expires_at")
        Self.write(image.expiresAt, into: &writer)
        writer.key("status")
        writer.string(image.status.rawValue)
        writer.endObject()
        return writer.bytes
    }

    /// ImageUploadLogSerializer.
    func write(_ log: UploadLogEntry, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("id")
        writer.int(log.id)
        writer.key("event_type")
        writer.string(log.eventType)
        writer.key("message")
        writer.string(log.message)
        writer.key("data")
        writer.object(log.data)
        writer.key("timestamp")
        Self.write(log.timestamp, into: &writer)
        writer.endObject()
    }

    private func writeStrings(_ strings: [String], into writer: inout JSONWriter) {
        writer.beginArray()
        for string in strings { writer.string(string) }
        writer.endArray()
    }

    /// Lower-case, hyphenated.
    static func uuid(_ id: UUID) -> String { id.lowercasedText }

    private static func write(_ id: UUID, into writer: inout JSONWriter) {
        writer.raw { bytes in
            bytes.append(UInt8(ascii: "\""))
            id.appendLowercasedText(to: &bytes)
            bytes.append(UInt8(ascii: "\""))
        }
    }

    /// A DRF timestamp, or null.
    private static func write(_ date: Date?, into writer: inout JSONWriter) {
        guard let date else { return writer.null() }
        writer.raw { Timestamp.appendJSON(date, to: &$0) }
    }
}
