import Foundation
import JSON

/// The two delivery shapes the webhook accepts.
enum WebhookPayload {
    /// The reference's flat payload: `{"id", "uploaded", "draft", "variants", "metadata", "requireSignedURLs", ...}`.
    case flat(id: String, fields: [String: JSONValue])
    /// A Cloudflare Notifications envelope `{"name", "text", "data": {...}, "ts", "alert_type", ...}`; the image id
    /// comes from `data` and the image itself is refreshed from the API.
    case notification(imageID: String, failed: Bool)

    /// Classifies and validates (WebhookPayloadSerializer for the flat shape); nil means `Invalid payload`.
    static func parse(_ object: [String: JSONValue]) -> WebhookPayload? {
        if object["id"] == nil, case .object(let data)? = object["data"] {
            guard let id = imageID(in: data) else { return nil }
            let text = [object["alert_type"], object["name"], object["text"], data["status"], data["event"]]
                .compactMap { $0?.stringValue?.lowercased() }
            return .notification(imageID: id, failed: text.contains { $0.contains("fail") })
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
            guard case .array(let items) = variants, items.allSatisfy({ $0.stringValue.map(isValidURL) ?? false }) else {
                return nil
            }
        }
        if case .null? = object["metadata"] { return nil }
        return .flat(id: id, fields: object)
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
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty }) else { return false }
        if labels.count == 4, labels.allSatisfy({ Int($0).map { (0...255).contains($0) } ?? false }) { return true }
        return labels.last!.allSatisfy(\.isLetter) && labels.last!.count >= 2
    }
}
