import Base16

/// Checks that a webhook delivery is authentic and fresh, before its body is trusted.
///
/// With a secret, a delivery must carry one of:
/// - `cf-webhook-auth: <secret>`: what Cloudflare Notifications send (the destination's secret, verbatim);
/// - `X-Signature` or `X-Cloudflare-Signature`: `[sha256=]<hex HMAC-SHA256(secret, raw body)>`, the scheme of
///   django-cloudflareimages-toolkit (hex in either case). When a timestamp header is present the HMAC must cover
///   `"<timestamp>.<raw body>"`, so the timestamp is signed too and a captured delivery cannot be replayed with a
///   fresh one.
///
/// Every comparison is constant-time. Without a secret no signature is checked (decide yourself whether to take
/// unsigned deliveries at all).
///
/// Freshness, with or without a secret: when `X-Webhook-Timestamp` or `X-Timestamp` is present it must be unix
/// seconds (integer or fractional) or an ISO 8601 date-time (`2024-05-01T12:00:00Z`, `2024-05-01 12:00+02:00`; no
/// offset means UTC), within ``tolerance`` seconds of now.
///
/// ```swift
/// let verifier = WebhookVerifier(secret: webhookSecret)
/// do {
///     try verifier.verify(body: bodyBytes, now: Date().timeIntervalSince1970) { name in request.headers.first(name: name) }
/// } catch {
///     return Response(status: .unauthorized, body: error.message)
/// }
/// ```
///
/// Pure Swift (no Foundation, no C library). The secret is never printed: `description` is redacted.
public struct WebhookVerifier: Sendable, CustomStringConvertible {
    /// Five minutes, the reference's window.
    public static let defaultTolerance: Double = 300
    /// Timestamp headers, in the order they are looked for.
    public static let timestampHeaders = ["X-Webhook-Timestamp", "X-Timestamp"]
    /// HMAC signature headers, in the order they are looked for (the first non-empty one counts).
    public static let signatureHeaders = ["X-Signature", "X-Cloudflare-Signature"]
    /// The header Cloudflare Notifications carry the destination's secret in.
    public static let secretHeader = "cf-webhook-auth"

    /// Why a delivery was refused.
    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// A secret is set but the delivery carries neither a signature nor `cf-webhook-auth`.
        case missingSignature
        /// The signature or `cf-webhook-auth` value does not match the secret.
        case invalidSignature
        /// A timestamp header is neither unix seconds nor an ISO 8601 date-time.
        case invalidTimestamp
        /// The timestamp is further than ``WebhookVerifier/tolerance`` from now.
        case staleTimestamp

        /// A short text fit for the response body (`Missing signature`, `Invalid signature`, ...).
        public var message: String {
            switch self {
            case .missingSignature: "Missing signature"
            case .invalidSignature: "Invalid signature"
            case .invalidTimestamp: "Invalid timestamp"
            case .staleTimestamp: "Stale timestamp"
            }
        }

        public var description: String { message }
    }

    private let secret: [UInt8]?
    /// How far (in seconds, either way) a delivery's timestamp may be from now.
    public let tolerance: Double

    /// - Parameters:
    ///   - secret: The shared secret; `nil` or empty checks freshness only.
    ///   - tolerance: Seconds a timestamp may differ from now, either way.
    public init(secret: String?, tolerance: Double = defaultTolerance) {
        self.secret = secret.flatMap { $0.isEmpty ? nil : Array($0.utf8) }
        self.tolerance = tolerance
    }

    /// Whether a secret is set, so that unsigned deliveries are refused.
    public var checksSignatures: Bool { secret != nil }

    public var description: String {
        "WebhookVerifier(secret: \(secret == nil ? "none" : "<redacted>"), tolerance: \(tolerance))"
    }

    /// Checks one delivery.
    ///
    /// - Parameters:
    ///   - body: The raw request body, exactly as received (what the signature covers).
    ///   - now: The current time in unix seconds, e.g. `Date().timeIntervalSince1970`.
    ///   - header: The value of a request header by name, `nil` when absent; names are given as in
    ///     ``timestampHeaders``, ``signatureHeaders`` and ``secretHeader`` and should be matched case-insensitively.
    ///     With repeated headers, return the first.
    /// - Throws: ``Failure`` when the delivery must be refused.
    public func verify(body: [UInt8], now: Double, header: (String) -> String?) throws(Failure) {
        var timestamp: String?
        for name in Self.timestampHeaders where timestamp == nil { timestamp = header(name) }
        if let timestamp {
            guard let seconds = Self.parseTimestamp(timestamp) else { throw .invalidTimestamp }
            guard abs(seconds - now) <= tolerance else { throw .staleTimestamp }
        }
        guard let secret else { return }
        let signature = Self.signatureHeaders.compactMap { header($0) }.first { !$0.isEmpty }
        if let signature {
            var hex = Substring(Self.trimmingWhitespace(signature))
            if hex.lowercased().hasPrefix("sha256=") { hex = hex.dropFirst("sha256=".count) }
            let given = Array(hex.lowercased().utf8)
            let signed = timestamp.map { Array(($0 + ".").utf8) + body } ?? body
            let expected = Array(Hex.encode(HMAC.sha256(key: secret, message: signed)).utf8)
            guard ConstantTime.equals(given, expected) else { throw .invalidSignature }
            return
        }
        if let auth = header(Self.secretHeader) {
            guard ConstantTime.equals(Array(auth.utf8), secret) else { throw .invalidSignature }
            return
        }
        throw .missingSignature
    }

    /// ``verify(body:now:header:)`` with the headers as a dictionary, its names matched case-insensitively.
    public func verify(body: [UInt8], headers: [String: String], now: Double) throws(Failure) {
        try verify(body: body, now: now) { name in
            headers[name] ?? headers.first { $0.key.lowercased() == name.lowercased() }?.value
        }
    }

    /// A timestamp header's value in unix seconds: a number, or an ISO 8601 date-time; `nil` otherwise.
    static func parseTimestamp(_ text: String) -> Double? {
        let trimmed = trimmingWhitespace(text)
        if let seconds = Double(trimmed), seconds.isFinite, trimmed.first?.isNumber == true {
            return seconds
        }
        return ISO8601DateTime.unixSeconds(trimmed)
    }

    /// `text` without leading and trailing spaces and tabs (Unicode space separators included, as Foundation's
    /// `CharacterSet.whitespaces`).
    static func trimmingWhitespace(_ text: String) -> String {
        let scalars = text.unicodeScalars
        func isSpace(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "\t" || scalar.properties.generalCategory == .spaceSeparator
        }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
            let last = scalars.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(scalars[first...last])
    }
}
