import Configuration
import Foundation

/// The reference's `public_url` / `thumbnail_url`: pick a variant URL from an image's `variants`, then rewrite
/// `imagedelivery.net` URLs onto the configured custom delivery domain (`DELIVERY_URL`, contract §3.1).
struct DeliveryLinks: Sendable {
    static let sharedHost = "imagedelivery.net"

    /// `scheme://host` of the custom domain, or nil when none is configured.
    let customOrigin: (scheme: String, host: String)?
    let pathPrefix: String
    let includeAccountHash: Bool
    let thumbnailVariant: String
    /// The thumbnail setting holds options (`w=200,...`) rather than a variant name.
    let thumbnailIsOptions: Bool

    init(settings: Settings) {
        if let raw = settings.deliveryURL?.trimmingCharacters(in: .whitespaces), !raw.isEmpty {
            var scheme = "https"
            var rest = Substring(raw)
            if let range = raw.range(of: "://") {
                scheme = raw[..<range.lowerBound].lowercased()
                rest = raw[range.upperBound...]
            }
            let host =
                rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            customOrigin = host.isEmpty ? nil : (scheme, host)
        } else {
            customOrigin = nil
        }
        pathPrefix = settings.deliveryPathPrefix.split(separator: "/").joined(separator: "/")
        includeAccountHash = settings.deliveryIncludeAccountHash
        thumbnailVariant = settings.thumbnailVariant.isEmpty ? "thumbnail" : settings.thumbnailVariant
        thumbnailIsOptions = thumbnailVariant.utf8.contains(UInt8(ascii: "="))
    }

    func publicURL(_ variants: [String]) -> String? { variantURL(variants, named: "public") }

    func thumbnailURL(_ variants: [String]) -> String? { urls(variants).thumbnail }

    /// `public_url` and `thumbnail_url` together: the thumbnail falls back to (or is built from) the public URL,
    /// looked up once.
    func urls(_ variants: [String]) -> (public: String?, thumbnail: String?) {
        let publicURL = publicURL(variants)
        if thumbnailIsOptions { return (publicURL, publicURL.map { withOptions($0, thumbnailVariant) }) }
        return (publicURL, variantURL(variants, named: thumbnailVariant) ?? publicURL)
    }

    /// The first URL ending in `/name`, else the first containing `name`, rewritten.
    func variantURL(_ variants: [String], named name: String) -> String? {
        guard !variants.isEmpty else { return nil }
        let found = variants.first { Self.endsWithSegment($0, name) } ?? variants.first { Self.contains($0, name) }
        return found.map(rewrite)
    }

    /// Whether `url`, trailing slashes aside, ends with `/name` (compared byte-wise: this runs for every image
    /// serialized).
    static func endsWithSegment(_ url: String, _ name: String) -> Bool {
        let found = url.utf8.withContiguousStorageIfAvailable { utf8 in
            name.utf8.withContiguousStorageIfAvailable { name in
                var end = utf8.count
                while end > 0, utf8[end - 1] == UInt8(ascii: "/") { end -= 1 }
                guard end > name.count, utf8[end - name.count - 1] == UInt8(ascii: "/") else { return false }
                return utf8[(end - name.count)..<end].elementsEqual(name)
            }
        }
        if let found, let found { return found }
        // Bridged or otherwise non-contiguous strings: the same test on a copy.
        return endsWithSegment(
            String(decoding: Array(url.utf8), as: UTF8.self), String(decoding: Array(name.utf8), as: UTF8.self))
    }

    /// Substring search on UTF-8 bytes (an empty `needle` is contained everywhere, as in Python).
    static func contains(_ haystack: String, _ needle: String) -> Bool {
        var haystack = haystack
        var needle = needle
        return haystack.withUTF8 { hay in
            needle.withUTF8 { pin in
                guard !pin.isEmpty else { return true }
                guard hay.count >= pin.count else { return false }
                for start in 0...(hay.count - pin.count) where hay[start] == pin[0] {
                    if hay[start..<(start + pin.count)].elementsEqual(pin) { return true }
                }
                return false
            }
        }
    }

    /// `https://imagedelivery.net/hash/id.../variant` → `scheme://host[/prefix][/hash]/id.../variant`, query and
    /// fragment kept. Anything else is returned unchanged.
    func rewrite(_ url: String) -> String {
        guard let origin = customOrigin else { return url }
        let parts = URLPieces(url)
        guard parts.netloc == Self.sharedHost else { return url }
        let trimmed = parts.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let segments = trimmed.isEmpty ? [] : trimmed.split(separator: "/", omittingEmptySubsequences: false)
        guard segments.count >= 2 else { return url }
        var out = "\(origin.scheme)://\(origin.host)"
        if !pathPrefix.isEmpty { out += "/" + pathPrefix }
        if includeAccountHash { out += "/" + segments[0] }
        out += "/" + segments.dropFirst().joined(separator: "/")
        return out + parts.suffix
    }

    /// Replaces the variant segment with `options`, or appends it when the URL has no variant segment.
    func withOptions(_ url: String, _ options: String) -> String {
        let parts = URLPieces(url)
        let path = trimmingTrailingSlashes(parts.path)
        var segments = path.split(separator: "/").map(String.init)
        if parts.netloc == Self.sharedHost {
            segments = Array(segments.dropFirst())
        } else if let origin = customOrigin, parts.netloc == origin.host {
            let prefix = pathPrefix.split(separator: "/").map(String.init)
            if !prefix.isEmpty, segments.starts(with: prefix) { segments.removeFirst(prefix.count) }
            if includeAccountHash, !segments.isEmpty { segments.removeFirst() }
        } else {
            segments = []
        }
        let hasVariant = segments.count >= 2
        let newPath: String
        if hasVariant, let slash = path.lastIndex(of: "/") {
            newPath = String(path[..<slash]) + "/" + options
        } else {
            newPath = path + "/" + options
        }
        return parts.schemeAndNetloc + newPath + parts.suffix
    }

    private func trimmingTrailingSlashes(_ text: String) -> String {
        var text = Substring(text)
        while text.hasSuffix("/") { text = text.dropLast() }
        return String(text)
    }
}

/// `scheme://netloc/path?query#fragment` split as Python's `urlsplit` does for http(s) URLs.
private struct URLPieces {
    var schemeAndNetloc = ""
    var netloc = ""
    var path = ""
    /// `?query#fragment`, as in the input.
    var suffix = ""

    init(_ url: String) {
        var rest = Substring(url)
        if let cut = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            suffix = String(rest[cut...])
            rest = rest[..<cut]
        }
        if let range = rest.range(of: "://") {
            let afterScheme = rest[range.upperBound...]
            let slash = afterScheme.firstIndex(of: "/") ?? afterScheme.endIndex
            netloc = String(afterScheme[..<slash])
            schemeAndNetloc = String(rest[..<slash])
            path = String(afterScheme[slash...])
        } else {
            path = String(rest)
        }
    }
}
