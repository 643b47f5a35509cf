import Crypto
import Foundation
import HTTPServer

/// Checks a webhook delivery's authenticity and freshness.
///
/// With a secret configured, a delivery must carry one of:
/// - `X-Signature` or `X-Cloudflare-Signature`: `[sha256=]<hex HMAC-SHA256(secret, raw body)>` (the reference's
///   scheme). When a timestamp header is present, an HMAC over `"<timestamp>.<raw body>"` is accepted too, so a
///   sender can bind the timestamp into the signature;
/// - `cf-webhook-auth: <secret>` (Cloudflare Notifications' generic webhooks).
/// All comparisons are constant-time. Without a secret, signatures are not checked (as in the reference).
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
            if hex.hasPrefix("sha256=") { hex = hex.dropFirst("sha256=".count) }
            let given = Array(hex.utf8)
            let expected = Array(Hex.encode(HMAC.sha256(key: secret, message: request.body)).utf8)
            if ConstantTime.equals(given, expected) { return }
            if let timestamp {
                let bound = Array((timestamp + ".").utf8) + request.body
                let expectedBound = Array(Hex.encode(HMAC.sha256(key: secret, message: bound)).utf8)
                if ConstantTime.equals(given, expectedBound) { return }
            }
            throw .invalidSignature
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
