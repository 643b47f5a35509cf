/// Recognizes Cloudflare Images delivery URLs and splits them into account hash, image id and variant.
///
/// Recognized: any URL on `imagedelivery.net`; Cloudflare's `/cdn-cgi/imagedelivery/<hash>/...` path on any host;
/// and URLs on the configured `customDomains`, in their configured shape (path prefix, with or without the hash).
/// The last path segment is the variant when there are at least two segments after the hash, so a custom id with
/// `/` needs a variant to round-trip (the reference toolkit has the same rule).
public struct DeliveryURLParser: Sendable {
    public let customDomains: [DeliveryDomain]

    /// - Parameter customDomains: Your delivery domains, recognized in their configured shape besides
    ///   `imagedelivery.net` and any host's `/cdn-cgi/imagedelivery/` path.
    public init(customDomains: [DeliveryDomain] = []) {
        self.customDomains = customDomains
    }

    /// The parts of `url`, or `nil` when it is not a well-formed delivery URL (wrong host or prefix, empty or
    /// broken segments, bad percent-escapes).
    public func parse(_ url: String) -> Result? {
        let parts = URLParts(url)
        guard let host = parts.host, !host.isEmpty else { return nil }
        let domain: DeliveryDomain
        if host == DeliveryDomain.imageDeliveryHost {
            domain = .imageDelivery
        } else if let custom = customDomains.first(where: { $0.host == host }) {
            domain = custom
        } else if parts.path.hasPrefix("/\(DeliveryDomain.cloudflarePathPrefix)/"),
            let custom = try? DeliveryDomain.custom("\(parts.scheme ?? "https")://\(host)")
        {
            domain = custom
        } else {
            return nil
        }

        var path = Substring(parts.path)
        if path.hasPrefix("/") { path = path.dropFirst() }
        if path.hasSuffix("/") { path = path.dropLast() }
        guard !path.isEmpty else { return nil }
        var segments = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !segments.contains(where: \.isEmpty) else { return nil }

        if !domain.pathPrefix.isEmpty {
            let prefix = domain.pathPrefix.split(separator: "/")
            guard segments.starts(with: prefix) else { return nil }
            segments.removeFirst(prefix.count)
        }
        var accountHash: String?
        if domain.includesAccountHash {
            guard let first = segments.first, let hash = PathSegment.decode(first) else { return nil }
            accountHash = hash
            segments.removeFirst()
        }
        guard !segments.isEmpty else { return nil }
        var decoded: [String] = []
        for segment in segments {
            guard let text = PathSegment.decode(segment) else { return nil }
            decoded.append(text)
        }
        let variant = decoded.count >= 2 ? DeliveryURL.Variant(decoded.removeLast()) : nil
        return Result(
            domain: domain, accountHash: accountHash, imageID: decoded.joined(separator: "/"), variant: variant,
            query: parts.query
        )
    }

    /// Whether `url` is a delivery URL this parser recognizes.
    public func isDeliveryURL(_ url: String) -> Bool {
        parse(url) != nil
    }

    /// The image id in a delivery URL (may contain `/`), or `nil`.
    public func imageID(in url: String) -> String? {
        parse(url)?.imageID
    }

    /// Rewrites a delivery URL onto `domain` (e.g. Cloudflare's `imagedelivery.net` variant URLs onto a custom
    /// domain), keeping variant and query; anything unrecognized, or lacking an account hash, is returned unchanged.
    public func rewrite(_ url: String, to domain: DeliveryDomain) -> String {
        guard let parsed = parse(url), let rebuilt = try? parsed.deliveryURL() else { return url }
        return rebuilt.on(domain).string + (parsed.query.map { "?" + $0 } ?? "")
    }
}

/// The pieces of a URL string, split without Foundation: `scheme://host/path?query#fragment`, where the scheme
/// (and `//`) may be missing (`imagedelivery.net/...`), or the host too (`/path`).
struct URLParts {
    var scheme: String?
    var host: String?
    var path: String
    var query: String?

    init(_ url: String) {
        var rest = Substring(url)
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        if let question = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: question)...])
            rest = rest[..<question]
        }
        if let split = rest.splitOnce("://") {
            scheme = split.head.lowercased()
            rest = split.tail
        } else if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
        } else if rest.hasPrefix("/") {
            path = String(rest)
            return
        }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        host = rest[..<slash].lowercased()
        path = String(rest[slash...])
    }
}
