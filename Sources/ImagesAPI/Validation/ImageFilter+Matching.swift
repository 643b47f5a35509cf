import ImageStore
import JSON

extension ImageFilter {
    /// Whether `image` passes the filters, as the repository's list query would decide. Detail routes use it
    /// (the reference narrows them by the same parameters: a mismatch is a 404).
    func matches(_ image: ImageRecord) -> Bool {
        if let status, image.status != status { return false }
        if let uploadedAfter {
            guard let uploaded = image.uploadedAt, uploaded >= uploadedAfter else { return false }
        }
        if let uploadedBefore {
            guard let uploaded = image.uploadedAt, uploaded <= uploadedBefore else { return false }
        }
        if let owner, image.owner != owner { return false }
        if let createdAfter, image.createdAt < createdAfter { return false }
        if let createdBefore, image.createdAt > createdBefore { return false }
        if let expiresAfter, image.expiresAt < expiresAfter { return false }
        if let expiresBefore, image.expiresAt > expiresBefore { return false }
        if let hasVariants, image.variants.isEmpty == hasVariants { return false }
        if let requireSignedURLs, image.requireSignedURLs != requireSignedURLs { return false }
        if let filename, !Self.contains(image.filename, filename), !Self.contains(image.originalFilename, filename) {
            return false
        }
        if let creator, image.creator != creator { return false }
        if let orphaned, (image.usageCount == 0) != orphaned { return false }
        for filter in metadata {
            guard let found = Self.lookup(filter.path, in: image.metadata), Self.text(found) == filter.value else {
                return false
            }
        }
        for term in searchTerms {
            let fields = [image.cloudflareID, image.filename, image.originalFilename, image.creator]
            if !fields.contains(where: { Self.contains($0, term) }) { return false }
        }
        return true
    }

    /// ASCII case-insensitive substring test (SQLite's LIKE folds ASCII only).
    static func contains(_ haystack: String, _ needle: String) -> Bool {
        if needle.isEmpty { return true }
        return asciiLowercased(haystack).contains(asciiLowercased(needle))
    }

    private static func asciiLowercased(_ text: String) -> String {
        String(decoding: text.utf8.map { (65...90).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
    }

    private static func lookup(_ path: [String], in object: [String: JSONValue]) -> JSONValue? {
        var current: JSONValue = .object(object)
        for key in path {
            guard case .object(let members) = current, let next = members[key] else { return nil }
            current = next
        }
        return current
    }

    /// The text SQLite's `CAST(json_extract(...) AS TEXT)` gives for a value.
    private static func text(_ value: JSONValue) -> String? {
        switch value {
        case .null: nil
        case .bool(let b): b ? "true" : "false"
        case .int(let i): String(i)
        case .double(let d): String(d)
        case .string(let s): s
        case .array, .object: String(decoding: value.jsonBytes, as: UTF8.self)
        }
    }
}
