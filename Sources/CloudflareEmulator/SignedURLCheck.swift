import Crypto

/// Checks the `exp`/`sig` pair on a private image's delivery URL, written from Cloudflare's "Serve private images"
/// page and not shared with the client's signer, so a signing bug in one is caught by the other.
///
/// The page's signer sets `exp` (Unix seconds) on the `imagedelivery.net` URL, HMAC-SHA256s
/// `pathname + "?" + searchParams` under the signing key's UTF-8 bytes, and sets `sig` to the MAC as lowercase hex,
/// two digits a byte. So the signed message is the path plus `?` plus the query with the `sig` pair taken out and
/// every other pair kept, as received and in its order: parameters the URL had before signing are covered, and
/// reordering them or `exp` breaks the signature. Stricter than the page strictly requires, on purpose: `sig` must be
/// exactly 64 lowercase hex digits (the signer never writes uppercase), `exp` plain decimal digits, and each of them
/// present once. The page does not say whether the second named by `exp` is still valid; like a JWT's `exp`, it
/// is not (a URL has expired when `now >= exp`). The signature is checked first, in constant time, so only
/// authentic URLs are reported as expired.
struct SignedURLCheck: Sendable {
    /// What a check found.
    enum Outcome: Sendable, Hashable {
        /// Authentic and not yet expired.
        case valid(expiresAt: Int64)
        /// Authentic, but `exp` has passed.
        case expired(expiresAt: Int64)
        /// `sig` does not match, or `exp`/`sig` is malformed or repeated.
        case badSignature
        /// No `exp` or no `sig` in the query.
        case missing
    }

    private let key: [UInt8]

    init(signingKey: String) {
        key = Array(signingKey.utf8)
    }

    /// Checks `/<hash>/<id>/<variant>?<query>` (the path as received, still percent-encoded) at `now`, in Unix
    /// seconds.
    func check(_ pathAndQuery: String, now: Int64) -> Outcome {
        let path: Substring
        let query: Substring
        if let mark = pathAndQuery.firstIndex(of: "?") {
            path = pathAndQuery[..<mark]
            query = pathAndQuery[pathAndQuery.index(after: mark)...]
        } else {
            path = pathAndQuery[...]
            query = ""
        }
        return check(path: path, query: query, now: now)
    }

    /// Checks a path and its query (without the `?`) at `now`, in Unix seconds.
    func check(path: Substring, query: Substring, now: Int64) -> Outcome {
        let pairs = query.isEmpty ? [] : query.split(separator: "&", omittingEmptySubsequences: false)
        let signatures = pairs.filter { Self.name(of: $0) == "sig" }
        let expiries = pairs.filter { Self.name(of: $0) == "exp" }
        guard !signatures.isEmpty, !expiries.isEmpty else { return .missing }
        guard signatures.count == 1, expiries.count == 1,
            let given = Self.lowercaseHexMAC(Self.value(of: signatures[0])),
            let expiresAt = Self.unixSeconds(Self.value(of: expiries[0]))
        else { return .badSignature }

        let signedQuery = pairs.filter { Self.name(of: $0) != "sig" }.joined(separator: "&")
        let expected = HMAC.sha256(key: key, message: Array(path.utf8) + Array("?".utf8) + Array(signedQuery.utf8))
        guard ConstantTime.equals(Self.lowercaseHex(expected), given) else { return .badSignature }
        return now >= expiresAt ? .expired(expiresAt: expiresAt) : .valid(expiresAt: expiresAt)
    }

    /// The name of a `name=value` pair (all of it when there is no `=`).
    private static func name(of pair: Substring) -> Substring {
        pair.firstIndex(of: "=").map { pair[..<$0] } ?? pair
    }

    /// The value of a `name=value` pair (empty when there is no `=`).
    private static func value(of pair: Substring) -> Substring {
        pair.firstIndex(of: "=").map { pair[pair.index(after: $0)...] } ?? ""
    }

    /// Exactly 64 lowercase hex digits (the length of a hex SHA-256 MAC), or nil.
    private static func lowercaseHexMAC(_ text: Substring) -> [UInt8]? {
        let digits = Array(text.utf8)
        let lowercaseDigit = { (c: UInt8) in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(c)
        }
        guard digits.count == 2 * HMAC.sha256Length, digits.allSatisfy(lowercaseDigit) else { return nil }
        return digits
    }

    /// Lowercase hex text of `bytes`, as the signature is written.
    private static func lowercaseHex(_ bytes: [UInt8]) -> [UInt8] {
        let alphabet = Array("0123456789abcdef".utf8)
        return bytes.flatMap { [alphabet[Int($0 >> 4)], alphabet[Int($0 & 0x0F)]] }
    }

    /// A non-empty run of decimal digits that fits in an `Int64`, or nil (no sign, no spaces).
    private static func unixSeconds(_ text: Substring) -> Int64? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return nil
        }
        return Int64(text)
    }
}
