import Base16
import Crypto
import Foundation
import ImageStore
import JSON
import TestSupport
import Testing

/// Webhook authenticity, freshness and replay, one line per case, over the real server.
@Suite struct WebhookSecurityTests {
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        /// Headers for `body` at time `now` (unix seconds).
        let headers: @Sendable (_ body: [UInt8], _ now: Int) -> [(String, String)]
        let status: Int
        var message: String? = nil
        var description: String { name }
    }

    static func sign(_ body: [UInt8], secret: String = HostileHarness.webhookSecret) -> String {
        Hex.encode(HMAC.sha256(key: secret, message: body))
    }

    static func bound(_ timestamp: String, _ body: [UInt8]) -> String { sign(Array((timestamp + ".").utf8) + body) }

    static let cases: [Case] = [
        Case(name: "valid", headers: { b, _ in [("X-Signature", "sha256=" + sign(b))] }, status: 200),
        Case(name: "valid cloudflare header", headers: { b, _ in [("X-Cloudflare-Signature", sign(b))] }, status: 200),
        Case(
            name: "cf-webhook-auth", headers: { _, _ in [("cf-webhook-auth", HostileHarness.webhookSecret)] },
            status: 200),
        Case(name: "missing", headers: { _, _ in [] }, status: 401, message: "Missing signature"),
        Case(name: "empty", headers: { _, _ in [("X-Signature", "")] }, status: 401, message: "Missing signature"),
        Case(
            name: "wrong secret", headers: { b, _ in [("X-Signature", sign(b, secret: "not-the-secret"))] },
            status: 401, message: "Invalid signature"),
        Case(
            name: "other body", headers: { b, _ in [("X-Signature", sign(b + [0x20]))] }, status: 401,
            message: "Invalid signature"),
        Case(
            name: "truncated", headers: { b, _ in [("X-Signature", String(sign(b).dropLast()))] }, status: 401,
            message: "Invalid signature"),
        Case(
            name: "secret as signature", headers: { _, _ in [("X-Signature", HostileHarness.webhookSecret)] },
            status: 401, message: "Invalid signature"),
        Case(
            name: "wrong cf-webhook-auth", headers: { _, _ in [("cf-webhook-auth", "whsec")] }, status: 401,
            message: "Invalid signature"),
        Case(
            name: "secret prefix cf-webhook-auth",
            headers: { _, _ in [("cf-webhook-auth", String(HostileHarness.webhookSecret.dropLast()))] }, status: 401),
        Case(
            name: "fresh bound timestamp",
            headers: { b, now in [("X-Webhook-Timestamp", "\(now)"), ("X-Signature", bound("\(now)", b))] }, status: 200
        ),
        Case(
            name: "stale timestamp",
            headers: { b, now in [("X-Webhook-Timestamp", "\(now - 301)"), ("X-Signature", bound("\(now - 301)", b))] },
            status: 401, message: "Stale timestamp"),
        Case(
            name: "future timestamp",
            headers: { b, now in [("X-Timestamp", "\(now + 3600)"), ("X-Signature", sign(b))] }, status: 401,
            message: "Stale timestamp"),
        Case(
            name: "unbound signature beside a timestamp",
            headers: { b, now in [("X-Webhook-Timestamp", "\(now)"), ("X-Signature", sign(b))] }, status: 401,
            message: "Invalid signature"),
        Case(
            name: "upper-case hex", headers: { b, _ in [("X-Signature", "SHA256=" + sign(b).uppercased())] },
            status: 200),
        Case(
            name: "bound to another time",
            headers: { b, now in [("X-Webhook-Timestamp", "\(now)"), ("X-Signature", bound("\(now - 1)", b))] },
            status: 401, message: "Invalid signature"),
        Case(
            name: "invalid timestamp",
            headers: { b, _ in [("X-Webhook-Timestamp", "yesterday"), ("X-Signature", sign(b))] }, status: 401,
            message: "Invalid timestamp"),
        Case(
            name: "1e400 timestamp", headers: { b, _ in [("X-Webhook-Timestamp", "1e400"), ("X-Signature", sign(b))] },
            status: 401),
        Case(
            name: "NaN timestamp", headers: { b, _ in [("X-Webhook-Timestamp", "NaN"), ("X-Signature", sign(b))] },
            status: 401),
        Case(
            name: "2^64 timestamp",
            headers: { b, _ in [("X-Webhook-Timestamp", "18446744073709551616"), ("X-Signature", sign(b))] },
            status: 401),
        Case(
            name: "-0 timestamp", headers: { b, _ in [("X-Webhook-Timestamp", "-0"), ("X-Signature", sign(b))] },
            status: 401),
    ]

    @Test(.disabled(if: APIBackend.isPostgreSQL, "looks at SQLite itself"), arguments: cases)
    func deliveryIsAuthenticatedAndFresh(_ test: Case) async throws {
        try await withHostileHarness { h in
            let alice = try await h.token("alice")
            let image = try await h.upload(alice)
            let body = Array(#"{"id":"\#(image.cloudflareID)","uploaded":"2026-03-04T05:06:07Z","variants":[]}"#.utf8)
            let before = try await h.snapshot()
            let now = Int(h.clock.now.timeIntervalSince1970)
            let response = try await h.send("POST", "api/webhook/", body: body, headers: test.headers(body, now))
            #expect(response.status == test.status, "\(test): \(response.text)")
            if let message = test.message { #expect(response.text == message) }
            let after = try await h.snapshot()
            if test.status == 200 {
                #expect(after.logs.count == before.logs.count + 1)
                // The same delivery again (a replay) is acknowledged and changes nothing.
                let replay = try await h.send("POST", "api/webhook/", body: body, headers: test.headers(body, now))
                #expect(replay.status == 200)
                let unchanged = try await h.snapshot() == after
                #expect(unchanged, "\(test): replay changed the store")
            } else {
                #expect(after == before, "\(test): a refused delivery changed the store")
            }
            CaseChecker(harness: h).finish()
            #expect(!response.text.contains(HostileHarness.webhookSecret))
        }
    }

    @Test func replaysAreRefusedOrIgnored() async throws {
        try await withHostileHarness { h in
            let alice = try await h.token("alice")
            let image = try await h.upload(alice)
            let body = Array(
                #"{"id":"\#(image.cloudflareID)","uploaded":"2026-03-04T05:06:07Z","metadata":{"v":1}}"#.utf8)
            let timestamp = String(Int(h.clock.now.timeIntervalSince1970))
            let headers = [
                ("X-Webhook-Timestamp", timestamp), ("X-Signature", Self.bound(timestamp, body)),
                ("X-Event-ID", "evt-1"),
            ]
            #expect(try await h.send("POST", "api/webhook/", body: body, headers: headers).status == 200)
            let applied = try await h.snapshot()

            // The captured delivery again under a new, unsigned event id: the key is the signed body, so it is
            // acknowledged and changes nothing.
            let renamed = try await h.send(
                "POST", "api/webhook/", body: body,
                headers: headers.filter { $0.0 != "X-Event-ID" } + [("X-Event-ID", "evt-2")])
            #expect(renamed.status == 200)
            var unchanged = try await h.snapshot() == applied
            #expect(unchanged)

            // A different signed body is processed, but what it claims is not stored: Cloudflare's answer is.
            let other = Array(
                #"{"id":"\#(image.cloudflareID)","uploaded":"2026-03-04T05:06:07Z","metadata":{"v":2}}"#.utf8)
            #expect(
                try await h.send("POST", "api/webhook/", body: other, headers: [("X-Signature", Self.sign(other))])
                    .status == 200)
            let stored = try #require(
                try await h.fixture.repository.image(.cloudflareID(image.cloudflareID), owner: nil))
            #expect(stored.cloudflareMetadata["v"] == nil && stored.status != .uploaded)
            let processed = try await h.snapshot()

            // The captured delivery replayed ten minutes later: its signed timestamp is stale.
            h.clock.advance(600)
            let late = try await h.send(
                "POST", "api/webhook/", body: body, headers: headers.filter { $0.0 != "X-Event-ID" })
            #expect(late.status == 401)
            #expect(late.text == "Stale timestamp")
            unchanged = try await h.snapshot() == processed
            #expect(unchanged)
        }
    }
}
