import Base16
import Crypto
import Foundation
import ImageStore
import JSON

/// The body of an event delivery and its signature header.
///
/// `{"id": "evt_…", "type": "image.uploaded", "created_at": "<RFC 3339>", "data": {"image": <the image as
/// `GET api/images/{id}/` shows it to its owner, at the moment of the change>}}`; rendered at delivery time from
/// the stored snapshot, so the delivery URLs follow the settings the server runs with. The events of the usage
/// registry (`image.usage_added`, `image.usage_removed`) also carry `"usage"`: the usage as `GET api/usages/{id}/`
/// shows it, as it was when added or removed.
enum EventPayload {
    static func body(_ event: StoredEvent, serializer: ImageSerializer) -> [UInt8] {
        var writer = JSONWriter(capacity: 1_024)
        writer.beginObject()
        writer.key("id")
        writer.string(event.id)
        writer.key("type")
        writer.string(event.type.rawValue)
        writer.key("created_at")
        writer.string(Timestamp.format(event.createdAt))
        writer.key("data")
        writer.beginObject()
        writer.key("image")
        serializer.write(event.image, now: event.createdAt, into: &writer)
        if let usage = event.usage {
            writer.key("usage")
            UsageSerializer.write(usage, into: &writer)
        }
        writer.endObject()
        writer.endObject()
        return writer.bytes
    }

    /// `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`, one `v1` per secret.
    static func signature(body: [UInt8], secrets: [String], timestamp: Int64) -> String {
        let prefix = Array("\(timestamp).".utf8)
        var header = "t=\(timestamp)"
        for secret in secrets {
            header += ",v1=" + Hex.encode(HMAC.sha256(key: Array(secret.utf8), message: prefix + body))
        }
        return header
    }
}
