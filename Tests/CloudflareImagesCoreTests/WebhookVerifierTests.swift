import Base16
import Crypto
import Testing

@testable import CloudflareImagesCore

/// The public verifier on its own: both signature schemes, timestamps, and the dictionary form.
struct WebhookVerifierTests {
    let secret = "whsec-test"
    let body = Array(#"{"id":"abc","status":"uploaded"}"#.utf8)
    let now = 1_714_557_600.0

    private func mac(_ message: [UInt8]) -> String {
        Base16.Hex.encode(Crypto.HMAC.sha256(key: secret, message: message))
    }

    private func verify(_ headers: [String: String], secret: String? = "whsec-test") -> WebhookVerifier.Failure? {
        do {
            try WebhookVerifier(secret: secret).verify(body: body, headers: headers, now: now)
            return nil
        } catch {
            return error
        }
    }

    @Test func cloudflareSecretHeader() {
        #expect(verify(["cf-webhook-auth": secret]) == nil)
        #expect(verify(["CF-Webhook-Auth": secret]) == nil)
        #expect(verify(["cf-webhook-auth": secret + "x"]) == .invalidSignature)
        #expect(verify([:]) == .missingSignature)
        #expect(verify([:], secret: nil) == nil)
        #expect(verify([:], secret: "") == nil)
    }

    @Test func hmacSignatureHeaders() {
        let signature = mac(body)
        #expect(verify(["X-Signature": signature]) == nil)
        #expect(verify(["x-signature": "sha256=" + signature.uppercased()]) == nil)
        #expect(verify(["X-Cloudflare-Signature": "  \(signature) "]) == nil)
        #expect(verify(["X-Signature": "", "X-Cloudflare-Signature": signature]) == nil)
        #expect(verify(["X-Signature": String(signature.dropLast())]) == .invalidSignature)
        // A signature header wins over cf-webhook-auth.
        #expect(verify(["X-Signature": "00", "cf-webhook-auth": secret]) == .invalidSignature)
    }

    @Test func timestampsAreSignedAndFresh() {
        let stamp = "1714557500"
        let signed = mac(Array((stamp + ".").utf8) + body)
        #expect(verify(["X-Signature": signed, "X-Webhook-Timestamp": stamp]) == nil)
        #expect(verify(["X-Signature": mac(body), "X-Webhook-Timestamp": stamp]) == .invalidSignature)
        #expect(verify(["cf-webhook-auth": secret, "X-Timestamp": "2024-05-01T10:00:00Z"]) == nil)
        #expect(verify(["cf-webhook-auth": secret, "X-Timestamp": "2024-05-01 12:04:59+02:00"]) == nil)
        #expect(verify(["cf-webhook-auth": secret, "X-Timestamp": "1714557900"]) == nil)
        #expect(verify(["cf-webhook-auth": secret, "X-Timestamp": "1714557900.5"]) == .staleTimestamp)
        #expect(verify(["cf-webhook-auth": secret, "X-Timestamp": "2024-05-01T09:54:59Z"]) == .staleTimestamp)
        for bad in ["", "soon", "-1714557600", "inf", "2024-13-01T00:00:00Z", "2024-02-30"] {
            #expect(verify(["cf-webhook-auth": secret, "X-Timestamp": bad]) == .invalidTimestamp, "\(bad)")
        }
        // Freshness holds without a secret too.
        #expect(verify(["X-Webhook-Timestamp": "1"], secret: nil) == .staleTimestamp)
    }

    @Test func timestampParsing() {
        #expect(WebhookVerifier.parseTimestamp("2024-05-01") == 1_714_521_600)
        #expect(WebhookVerifier.parseTimestamp("2024-05-01 10:00") == 1_714_557_600)
        #expect(WebhookVerifier.parseTimestamp("2024-05-01T12:00:00+02:00") == 1_714_557_600)
        #expect(WebhookVerifier.parseTimestamp("2024-05-01T10:00:00.5Z") == 1_714_557_600.5)
        #expect(WebhookVerifier.parseTimestamp("\u{00A0}1714557600\t") == 1_714_557_600)
    }

    @Test func failureMessagesAndRedaction() {
        #expect(WebhookVerifier.Failure.staleTimestamp.message == "Stale timestamp")
        #expect(!"\(WebhookVerifier(secret: secret))".contains(secret))
        #expect(WebhookVerifier(secret: secret).checksSignatures)
        #expect(!WebhookVerifier(secret: nil).checksSignatures)
    }
}
