import Foundation
import JSON

/// What a webhook delivery says, taken as a hint: the image is always re-fetched from Cloudflare, and only what
/// Cloudflare cannot be asked for (dimensions and format, kept once Cloudflare confirms the upload) comes from the
/// body.
enum WebhookPayload {
    /// Cloudflare Notifications' "Save and Test" delivery (`{"text": "Hello World! ..."}`, no `data`): nothing to do.
    case test
    /// A delivery about one image: Cloudflare's Notifications envelope (`{"name", "text", "data": {...}, "ts",
    /// "alert_type", ...}`, the id in `data`) or the reference's flat shape (`{"id", "uploaded", "draft", ...}`).
    case image(cloudflareID: String, reportsFailure: Bool, dimensions: ImageReconciler.Dimensions?)

    /// Classifies and validates (the reference's WebhookPayloadSerializer for the flat shape); nil means
    /// `Invalid payload`.
    static func parse(_ object: [String: JSONValue]) -> WebhookPayload? {
        if object["id"] == nil {
            guard case .object(let data)? = object["data"] else {
                return object["text"]?.stringValue != nil && object["data"] == nil ? .test : nil
            }
            guard let id = imageID(in: data) else { return nil }
            return .image(cloudflareID: id, reportsFailure: notificationReportsFailure(object, data), dimensions: nil)
        }
        guard case .string(let id)? = object["id"], !id.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return nil
        }
        if let uploaded = object["uploaded"] {
            guard let text = uploaded.stringValue, Timestamp.parse(text) != nil else { return nil }
        }
        if let draft = object["draft"], Fields.boolean(draft) == nil { return nil }
        if let signed = object["requireSignedURLs"], Fields.boolean(signed) == nil { return nil }
        if let variants = object["variants"] {
            guard case .array(let items) = variants, items.allSatisfy({ $0.stringValue.map(isValidURL) ?? false })
            else {
                return nil
            }
        }
        switch object["metadata"] ?? object["meta"] {
        case nil, .object?: break
        default: return nil
        }
        guard let dimensions = dimensions(object) else { return nil }
        let failed = object["status"]?.stringValue?.lowercased() == "failed" || object["failed"] == .bool(true)
        return .image(cloudflareID: id, reportsFailure: failed, dimensions: dimensions)
    }

    /// Failure is read from what Cloudflare sets (`alert_type`, `data.status`/`data.event`/`data.error`), never from
    /// `name` or `text`, which carry the user-chosen policy name.
    static func notificationReportsFailure(_ object: [String: JSONValue], _ data: [String: JSONValue]) -> Bool {
        let fields = [object["alert_type"], object["alert_event"], data["status"], data["event"], data["event_type"]]
        if fields.contains(where: { $0?.stringValue?.lowercased().contains("fail") == true }) { return true }
        if let error = data["error"], CloudflareUpdate.truthy(error) { return true }
        return data["success"] == .bool(false)
    }

    /// `width`, `height` (whole numbers up to Int32.max, or null) and `format` (at most 10 characters); nil when
    /// one has the wrong type.
    static func dimensions(_ object: [String: JSONValue]) -> ImageReconciler.Dimensions? {
        var result = ImageReconciler.Dimensions()
        for (name, keyPath) in [("width", \ImageReconciler.Dimensions.width), ("height", \.height)] {
            switch object[name] {
            case nil: break
            case .null?: result[keyPath: keyPath] = .some(nil)
            case .int(let n)? where n >= 0 && n <= Int64(Int32.max): result[keyPath: keyPath] = .some(Int(n))
            default: return nil
            }
        }
        switch object["format"] {
        case nil: break
        case .null?: result.format = ""
        case .string(let text)? where text.count <= 10: result.format = text
        default: return nil
        }
        return result
    }

    /// `data.image_id`, `data.imageId`, `data.imageID`, `data.id` or `data.image.id`.
    static func imageID(in data: [String: JSONValue]) -> String? {
        for key in ["image_id", "imageId", "imageID", "id"] {
            if let id = data[key]?.stringValue, !id.isEmpty { return id }
        }
        if case .object(let image)? = data["image"], let id = image["id"]?.stringValue, !id.isEmpty { return id }
        return nil
    }

    /// Django's URLValidator in brief: http(s)/ftp(s), a host that is `localhost`, an IP, or a dotted domain.
    static func isValidURL(_ text: String) -> Bool {
        guard let range = text.range(of: "://") else { return false }
        let scheme = text[..<range.lowerBound].lowercased()
        guard ["http", "https", "ftp", "ftps"].contains(scheme) else { return false }
        let rest = text[range.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        var host = Substring(authority.split(separator: "@").last ?? "")
        if host.hasPrefix("[") { return host.contains("]") }
        if let colon = host.lastIndex(of: ":") {
            guard host[host.index(after: colon)...].allSatisfy(\.isNumber) else { return false }
            host = host[..<colon]
        }
        guard !host.isEmpty, !text.contains(where: \.isWhitespace) else { return false }
        if host.lowercased() == "localhost" { return true }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard let last = labels.last, labels.count >= 2, labels.allSatisfy({ !$0.isEmpty }) else { return false }
        if labels.count == 4, labels.allSatisfy({ Int($0).map { (0...255).contains($0) } ?? false }) { return true }
        return last.allSatisfy(\.isLetter) && last.count >= 2
    }
}
