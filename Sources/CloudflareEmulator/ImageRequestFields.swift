import Foundation
import HTTPFields
import HTTPServer
import JSON

/// The form fields of an image API request (`id`, `metadata` or `metadata[key]`, `requireSignedURLs`, `expiry`,
/// `creator`, `url`, `file`), read from `multipart/form-data` or `application/x-www-form-urlencoded` and validated
/// against Cloudflare's limits.
struct ImageRequestFields {
    static let maxMetadataBytes = 1024
    static let maxCustomIDLength = 1024

    var customID: String?
    /// Compact JSON object text.
    var metadataJSON: String?
    var requireSignedURLs: Bool?
    var expiry: String?
    var creator: String?
    var url: String?
    var file: MultipartPart?
    /// Parts sent under any name other than the known ones, e.g. `image` instead of `file`.
    var otherFileParts: [String] = []

    static let knownNames: Set<String> = ["id", "metadata", "requireSignedURLs", "expiry", "creator", "url", "file"]

    init(request: Request) throws(EmulatorError) {
        var pairs: [(name: String, value: String)] = []
        let contentType = request.headers["Content-Type"] ?? ""
        if request.body.isEmpty {
            // No form at all: every field takes its default.
        } else if contentType.lowercased().hasPrefix("multipart/") {
            let form: MultipartFormData
            do { form = try request.multipartFormData() } catch {
                throw .badRequest("Error parsing form fields: \(error)")
            }
            for part in form.parts {
                guard let name = part.name else { continue }
                if name == "file" {
                    if file == nil { file = part }
                    continue
                }
                if part.isFile, !ImageRequestFields.knownNames.contains(name) {
                    otherFileParts.append(name)
                    continue
                }
                pairs.append((name, part.text))
            }
        } else if contentType.lowercased().hasPrefix("application/x-www-form-urlencoded") {
            pairs = QueryParameters(parsing: Substring(request.bodyText)).pairs
        } else {
            throw .badRequest("Content-Type must be multipart/form-data")
        }
        var metadata: [String: JSONValue]?
        for (name, value) in pairs {
            switch name {
            case "id": customID = value.isEmpty ? nil : value
            case "metadata":
                guard let object = (try? JSONValue.parse(Array(value.utf8)))?.objectValue
                else { throw .badRequest("metadata must be a JSON object") }
                metadata = (metadata ?? [:]).merging(object) { _, new in new }
            case "requireSignedURLs":
                guard let flag = ImageRequestFields.bool(value) else {
                    throw .badRequest("requireSignedURLs must be true or false")
                }
                requireSignedURLs = flag
            case "expiry": expiry = value
            case "creator": creator = value.isEmpty ? nil : value
            case "url": url = value
            default:
                if name.hasPrefix("metadata["), name.hasSuffix("]"), name.count > 10 {
                    let key = String(name.dropFirst(9).dropLast())
                    var merged = metadata ?? [:]
                    merged[key] = .string(value)
                    metadata = merged
                }
            }
        }
        if let metadata { metadataJSON = try ImageRequestFields.encodeMetadata(metadata) }
        if let customID { try ImageRequestFields.validateCustomID(customID) }
        // "Images with a custom ID cannot be made private with the signed URL tokens feature" (Cloudflare's
        // direct creator upload and custom path pages).
        if customID != nil, requireSignedURLs == true {
            throw .badRequest("images with a custom ID cannot require signed URLs")
        }
    }

    static func bool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "1": return true
        case "false", "0", "": return false
        default: return nil
        }
    }

    /// Compact JSON text of a metadata object, refused past Cloudflare's 1024-byte limit.
    static func encodeMetadata(_ metadata: [String: JSONValue]) throws(EmulatorError) -> String {
        let bytes = JSONValue.object(metadata).jsonBytes
        guard bytes.count <= maxMetadataBytes else {
            throw .badRequest("Metadata must be at most \(maxMetadataBytes) bytes (got \(bytes.count))")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Cloudflare's custom ID rules: up to 1024 characters, no leading or trailing `/`, not a UUID.
    /// Empty path segments (`a//b`) are refused too, since they could not be addressed in a URL path.
    static func validateCustomID(_ id: String) throws(EmulatorError) {
        guard id.count <= maxCustomIDLength else {
            throw .badRequest("Custom ID must be at most \(maxCustomIDLength) characters")
        }
        guard !id.hasPrefix("/"), !id.hasSuffix("/") else {
            throw .badRequest("Custom ID cannot start or end with a /")
        }
        guard !id.contains("//") else { throw .badRequest("Custom ID cannot contain empty path segments") }
        guard !id.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "?" || $0 == "#" }) else {
            throw .badRequest("Custom ID cannot contain control characters, ? or #")
        }
        guard UUID(uuidString: id) == nil, !isUUID(id) else { throw .badRequest("Custom ID cannot be a UUID") }
    }

    static func isUUID(_ text: String) -> Bool {
        let b = Array(text.utf8)
        guard b.count == 36 else { return false }
        for (i, c) in b.enumerated() {
            if [8, 13, 18, 23].contains(i) { if c != 45 { return false } } else if !isHexDigit(c) { return false }
        }
        return true
    }

    static func isHexDigit(_ c: UInt8) -> Bool {
        (48...57).contains(c) || (65...70).contains(c) || (97...102).contains(c)
    }
}
