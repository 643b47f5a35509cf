import Base16

/// Signs and verifies delivery URLs for private images (`requireSignedURLs`), as Cloudflare does.
///
/// Cloudflare's rule ("Serve private images" in its Images docs): append `exp=<unix seconds>` to the URL, take the
/// URL's *pathname* plus `?` plus its query (`/<hash>/<id>/<variant>?exp=1631289275`), HMAC-SHA256 it with the
/// account's signing key (its UTF-8 bytes), and append the lowercase hex as `sig=`. The pathname is that of the
/// `imagedelivery.net` URL; for a custom domain we sign the same `/<hash>/<id>/<variant>` path (the domain's
/// `/cdn-cgi/imagedelivery` prefix is not part of it) and ``verify(_:now:)`` strips that prefix before checking.
/// Cloudflare's docs only show `imagedelivery.net`, so the custom-domain rule is our documented assumption.
///
/// The key is never printed: `description` is redacted.
public struct URLSigner: Sendable, CustomStringConvertible {
    private let key: [UInt8]

    /// - Parameter key: The account's URL signing key (`GET images/v1/keys`, or the dashboard), used as UTF-8 bytes.
    public init(key: String) {
        self.key = Array(key.utf8)
    }

    public var description: String { "URLSigner(key: <redacted>)" }

    /// Lowercase hex HMAC-SHA256 of `message` (a pathname plus `?` plus query) under the key.
    public func signature(for message: String) -> String {
        Hex.encode(HMAC.sha256(key: key, message: message))
    }

    /// `url` with `?exp=<expiresAt>&sig=<signature>` appended. The signature covers `url.signingPath` + `?exp=...`.
    public func sign(_ url: DeliveryURL, expiresAt: Int64) -> String {
        let query = "exp=\(expiresAt)"
        let sig = signature(for: "\(url.signingPath)?\(query)")
        return "\(url.string)?\(query)&sig=\(sig)"
    }

    /// `url` signed to expire `lifetime` seconds after `now` (unix seconds; the reference's default is 3600).
    public func sign(_ url: DeliveryURL, lifetime: Int64 = 3600, now: Int64) -> String {
        sign(url, expiresAt: now + lifetime)
    }

    /// Checks a signed URL, given whole (`https://host/...?...`) or as path plus query (`/hash/id/v?exp=..&sig=..`).
    ///
    /// The signed message is the path (without a leading `/cdn-cgi/imagedelivery`) plus `?` plus the query with
    /// the `sig` parameter removed, other parameters kept in order. A URL is `.expired` when `now >= exp`; the
    /// signature is checked first (in constant time), so `.expired` is only reported for authentic URLs.
    public func verify(_ url: String, now: Int64) -> URLSignatureStatus {
        let parts = URLParts(url)
        var path = parts.path
        let prefix = "/" + DeliveryDomain.cloudflarePathPrefix + "/"
        if path.hasPrefix(prefix) { path = String(path.dropFirst(prefix.count - 1)) }

        let params = (parts.query ?? "").split(separator: "&", omittingEmptySubsequences: false)
        let sigs = params.filter { $0.hasPrefix("sig=") }
        let exps = params.filter { $0.hasPrefix("exp=") }
        guard !sigs.isEmpty, !exps.isEmpty else { return .missing }
        guard sigs.count == 1, exps.count == 1,
            let given = Hex.decode(String(sigs[0].dropFirst(4))),
            let expiresAt = Self.unixSeconds(exps[0].dropFirst(4))
        else {
            return .badSignature
        }
        let signedQuery = params.filter { !$0.hasPrefix("sig=") }.joined(separator: "&")
        let expected = HMAC.sha256(key: key, message: "\(path)?\(signedQuery)")
        guard ConstantTime.equals(expected, given) else { return .badSignature }
        return now >= expiresAt ? .expired(expiresAt: expiresAt) : .valid(expiresAt: expiresAt)
    }

    /// ``verify(_:now:)`` with a key given inline.
    public static func verify(_ url: String, key: String, now: Int64) -> URLSignatureStatus {
        URLSigner(key: key).verify(url, now: now)
    }

    private static func unixSeconds(_ text: Substring) -> Int64? {
        guard !text.isEmpty, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            return nil
        }
        return Int64(text)
    }
}

/// The outcome of checking a signed delivery URL.
public enum URLSignatureStatus: Sendable, Hashable {
    /// Authentic and not yet expired.
    case valid(expiresAt: Int64)
    /// Authentic, but `exp` has passed.
    case expired(expiresAt: Int64)
    /// `sig` does not match (or `exp`/`sig` is malformed or repeated).
    case badSignature
    /// No `exp` or no `sig` parameter.
    case missing

    public var isValid: Bool {
        if case .valid = self { return true }
        return false
    }
}
