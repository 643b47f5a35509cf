/// Where delivery URLs point: Cloudflare's shared `imagedelivery.net`, or a custom domain.
///
/// The three shapes of the reference toolkit (its `DELIVERY_URL`, `DELIVERY_PATH_PREFIX` and
/// `DELIVERY_INCLUDE_ACCOUNT_HASH` settings):
/// - `https://imagedelivery.net/<hash>/<id>/<variant>` (``imageDelivery``);
/// - `https://<domain>/cdn-cgi/imagedelivery/<hash>/<id>/<variant>`, Cloudflare's native custom-domain form
///   (``custom(_:pathPrefix:includesAccountHash:)`` with its defaults);
/// - `https://<domain>/<id>/<variant>`, a Worker reverse proxy that adds the hash itself
///   (`pathPrefix: ""`, `includesAccountHash: false`).
public struct DeliveryDomain: Sendable, Hashable, CustomStringConvertible {
    /// `https`, or `http` (for a local emulator).
    public let scheme: String
    /// Host, with `:port` when one was given; lowercased.
    public let host: String
    /// Path segments between the host and the account hash, e.g. `cdn-cgi/imagedelivery`; `""` for none.
    public let pathPrefix: String
    /// Whether the account hash appears in the URL path.
    public let includesAccountHash: Bool

    /// Cloudflare's shared delivery host.
    public static let imageDeliveryHost = "imagedelivery.net"
    /// Cloudflare's path for delivering Images through a zone of the same account.
    public static let cloudflarePathPrefix = "cdn-cgi/imagedelivery"

    /// `https://imagedelivery.net/<hash>/<id>/<variant>`.
    public static let imageDelivery = DeliveryDomain(
        scheme: "https", host: imageDeliveryHost, pathPrefix: "", includesAccountHash: true
    )

    init(scheme: String, host: String, pathPrefix: String, includesAccountHash: Bool) {
        self.scheme = scheme
        self.host = host
        self.pathPrefix = pathPrefix
        self.includesAccountHash = includesAccountHash
    }

    /// A custom delivery domain, from a bare host (`images.example.com`, scheme `https`) or a base URL
    /// (`https://images.example.com`, `http://127.0.0.1:8080`). A path in `domain` is ignored, as in the reference;
    /// put it in `pathPrefix`.
    public static func custom(
        _ domain: String,
        pathPrefix: String = cloudflarePathPrefix,
        includesAccountHash: Bool = true
    ) throws(DeliveryURLError) -> DeliveryDomain {
        let raw = domain.trimming(characters: " \t\n")
        var scheme = "https"
        var rest = Substring(raw)
        if let parts = raw.splitOnce("://") {
            scheme = parts.head.lowercased()
            rest = parts.tail
        }
        let host =
            rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        guard scheme == "https" || scheme == "http", isValidHost(host) else { throw .invalidDomain(domain) }
        let prefix = pathPrefix.split(separator: "/").joined(separator: "/")
        return DeliveryDomain(
            scheme: scheme, host: host.lowercased(), pathPrefix: prefix, includesAccountHash: includesAccountHash
        )
    }

    /// Whether this is Cloudflare's shared `imagedelivery.net` host.
    public var isImageDelivery: Bool { host == Self.imageDeliveryHost }

    /// `scheme://host`.
    public var origin: String { "\(scheme)://\(host)" }

    public var description: String { pathPrefix.isEmpty ? origin : "\(origin)/\(pathPrefix)" }

    private static func isValidHost(_ host: String) -> Bool {
        guard !host.isEmpty, !host.hasPrefix(":"), !host.hasPrefix(".") else { return false }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]_")
        return host.allSatisfy { allowed.contains($0) }
    }
}

extension String {
    func trimming(characters set: String) -> String {
        let chars = Set(set)
        return String(drop(while: { chars.contains($0) }).reversed().drop(while: { chars.contains($0) }).reversed())
    }
}

extension StringProtocol {
    /// The text before and after the first occurrence of `separator`, or `nil` when it does not occur.
    func splitOnce(_ separator: String) -> (head: SubSequence, tail: SubSequence)? {
        let sep = Array(separator.utf8)
        let bytes = Array(utf8)
        guard !sep.isEmpty, bytes.count >= sep.count else { return nil }
        for offset in 0...(bytes.count - sep.count) where Array(bytes[offset..<offset + sep.count]) == sep {
            let start = utf8.index(utf8.startIndex, offsetBy: offset)
            let end = utf8.index(start, offsetBy: sep.count)
            return (self[..<start], self[end...])
        }
        return nil
    }
}
