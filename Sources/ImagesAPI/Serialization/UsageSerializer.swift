import Foundation
import ImageStore
import JSON

/// The reference's `ImageUsageSerializer`: `id, cloudflare_id, image, content_type, object_id, content_object,
/// field_name, is_unregistered, created_at, updated_at`. `content_object` is the Django object's `str()` there;
/// this service never sees the objects, so it is always null.
enum UsageSerializer {
    static func write(_ usage: ImageUsage, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("id")
        writer.int(usage.id)
        writer.key("cloudflare_id")
        writer.string(usage.cloudflareID)
        writer.key("image")
        if let image = usage.imageID { writer.string(image.lowercasedText) } else { writer.null() }
        writer.key("content_type")
        writer.string(usage.contentType)
        writer.key("object_id")
        writer.string(usage.objectID)
        writer.key("content_object")
        writer.null()
        writer.key("field_name")
        writer.string(usage.fieldName)
        writer.key("is_unregistered")
        writer.bool(usage.isUnregistered)
        writer.key("created_at")
        writer.raw { Timestamp.appendJSON(usage.createdAt, to: &$0) }
        writer.key("updated_at")
        writer.raw { Timestamp.appendJSON(usage.updatedAt, to: &$0) }
        writer.endObject()
    }

    static func list(_ usages: [ImageUsage]) -> [UInt8] {
        var writer = JSONWriter(capacity: 256 * max(1, usages.count))
        writer.beginArray()
        for usage in usages { write(usage, into: &writer) }
        writer.endArray()
        return writer.bytes
    }
}
