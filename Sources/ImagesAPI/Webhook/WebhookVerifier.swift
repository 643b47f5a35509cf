import Crypto
import Foundation
import HTTPServer

/// Checks a webhook delivery's authenticity and freshness.
///
/// With a secret configured, a delivery must carry one of:
/// - `cf-webhook-auth: <secret>` (what Cloudflare Notifications send: the destination's secret, verbatim);
/// - `X-Signature` or `X-Cloudflare-Signature`: `[sha256=]<hex HMAC-SHA256(secret, raw body)>` (the reference's
///   scheme, hex in either case). When a timestamp header is present the HMAC must cover
///   `"<timestamp>.<raw body>"`, so the timestamp is part of what is signed and a captured delivery cannot be
///   replayed with a fresh one.
/// All comparisons are constant-time. Without a secret nothing is checked: ``Settings/webhookRefusal`` decides
/// whether unsigned deliveries are taken at all.
///
/// Freshness, with or without a secret: when `X-Webhook-Timestamp` or `X-Timestamp` is present it must be unix
/// seconds (integer or fractional) or an RFC 3339 / ISO 8601 date-time, within five minutes of now.
struct WebhookVerifier: Sendable {
    static let tolerance: TimeInterval = 300
    static let timestampHeaders = ["X-Webhook-Timestamp", "X-Timestamp"]

    enum Failure: Error, Equatable {
        case missingSignature
        case invalidSignature
        case invalidTimestamp
        case staleTimestamp

        var message: String {
            switch self {
            case .missingSignature: "Missing signature"
            case .invalidSignature: "Invalid signature"
            case .invalidTimestamp: "Invalid timestamp"
            case .staleTimestamp: "Stale timestamp"
            }
        }
    }

    let secret: String?

    init(secret: String?) {
        self.secret = secret.flatMap { $0.isEmpty ? nil : $0 }
    }

    func verify(_ request: Request, now: Date) throws(Failure) {
        let timestamp = Self.timestampHeaders.lazy.compactMap { request.headers[$0] }.first
        if let timestamp {
            guard let date = Self.parseTimestamp(timestamp) else { throw .invalidTimestamp }
            guard abs(date.timeIntervalSince(now)) <= Self.tolerance else { throw .staleTimestamp }
        }
        guard let secret else { return }
        let signature = [request.headers["X-Signature"], request.headers["X-Cloudflare-Signature"]]
            .compactMap { $0 }.first { !$0.isEmpty }
        if let signature {
            var hex = Substring(signature.trimmingCharacters(in: .whitespaces))
            if hex.lowercased().hasPrefix("sha256=") { hex = hex.dropFirst("sha256=".count) }
            let given = Array(hex.lowercased().utf8)
            let signed = timestamp.map { Array(($0 + ".").utf8) + request.body } ?? request.body
            let expected = Array(Hex.encode(HMAC.sha256(key: secret, message: signed)).utf8)
            guard ConstantTime.equals(given, expected) else { throw .invalidSignature }
            return
        }
        if let auth = request.headers["cf-webhook-auth"] {
            guard ConstantTime.equals(Array(auth.utf8), Array(secret.utf8)) else { throw .invalidSignature }
            return
        }
        throw .missingSignature
    }

    static func parseTimestamp(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed), seconds.isFinite, trimmed.first?.isNumber == true {
            return Date(timeIntervalSince1970: seconds)
        }
        return Timestamp.parse(trimmed)
    }
}
