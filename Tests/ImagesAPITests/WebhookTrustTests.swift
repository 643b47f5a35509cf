import CloudflareEmulator
import Configuration
import Foundation
import ImageStore
import JSON
import Testing

/// A webhook delivery is a hint: what it claims is checked with Cloudflare, and what we sign never points at a host
/// a delivery or a stored row names.
@Suite struct WebhookTrustTests {
    func post(_ h: APIHarness, _ body: String, headers: [(String, String)]? = nil) async throws -> TestResponse {
        try await h.send(
            "POST", "api/webhook/", body: Array(body.utf8),
            headers: [("Content-Type", "application/json")]
                + (headers ?? [("cf-webhook-auth", APIHarness.webhookSecret)]))
    }

    @Test func forgedVariantsAndStatusAreNotAdopted() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            let object = try await h.createUpload(alice, #"{"custom_id":"target","require_signed_urls":false}"#)
            let id = try #require(object.string("id"))
            // Cloudflare still has a draft: a delivery claiming an upload on another host changes no status or URL.
            let forged =
                #"{"id":"target","uploaded":"2026-01-01T00:00:00Z","variants":["https://evil.example/x/target/public"],"metadata":{"owned":true}}"#
            #expect(try await post(h, forged).status == 200)
            var stored = try #require(try await h.repository.image(.cloudflareID("target"), owner: nil))
            #expect(stored.status == .draft && stored.variants.isEmpty && stored.cloudflareMetadata["owned"] == nil)
            // Cloudflare's draft carries its creation time as `uploaded`, which the row takes as the reference does;
            // never the time the delivery claims.
            let draftCreated = try #require(try await h.emulator.image("target")?.uploaded)
            #expect(Timestamp(stored.uploadedAt) == Timestamp(draftCreated))

            // Uploaded at Cloudflare: a delivery claiming a draft (or a failure) does not move it back.
            try await h.completeUpload("target")
            #expect(try await post(h, forged + " ").status == 200)
            stored = try #require(try await h.repository.image(.cloudflareID("target"), owner: nil))
            #expect(
                stored.status == .uploaded && stored.variants.allSatisfy { $0.hasPrefix("https://imagedelivery.net/") })
            for hint in [#"{"id":"target","draft":true}"#, #"{"id":"target","status":"failed"}"#] {
                #expect(try await post(h, hint).status == 200)
                #expect(
                    try await h.repository.image(.cloudflareID("target"), owner: nil)?.status == .uploaded, "\(hint)")
            }
            let url = try await h.send("GET", "api/images/\(id)/url/", token: alice)
            #expect(url.object?.string("url") == "https://imagedelivery.net/HASH123/target/public")
        }
    }

    @Test func deliveryURLsComeFromTheSettingsNeverFromStoredHosts() async throws {
        try await withHarness(configure: { $0.signingKey = "k" }) { h in
            let alice = try await h.token("alice")
            let object = try await h.createUpload(alice, #"{"require_signed_urls":true}"#)
            let id = try #require(UUID(uuidString: object.string("id") ?? ""))
            let cloudflareID = try #require(object.string("cloudflare_id"))
            let evil = ["public", "thumbnail"].map { "https://evil.example/prefix/EVILHASH/\(cloudflareID)/\($0)" }
            _ = try await h.repository.transition(
                .id(id), owner: nil, to: .uploaded(.init(uploadedAt: Date(), variants: evil)), log: LogEvent("test"))
            for query in ["", "?variant=thumbnail"] {
                let response = try await h.send(
                    "GET", "api/images/\(id.uuidString.lowercased())/url/\(query)", token: alice)
                let url = try #require(response.object?.string("url"), "\(response.text)")
                #expect(url.hasPrefix("https://imagedelivery.net/HASH123/\(cloudflareID)/"), "\(url)")
                #expect(!url.contains("evil") && !url.contains("EVILHASH"))
            }
        }
    }

    @Test func saveAndTestIsAcknowledgedAndChangesNothing() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            _ = try await h.createUpload(alice)
            let before = try await h.repository.counts(owner: nil)
            let test =
                #"{"text":"Hello World! This is a test message sent from https://cloudflare.com. If you can see this, your webhook is configured properly."}"#
            let response = try await post(h, test)
            #expect(response.status == 200 && response.text == "OK")
            #expect(try await h.repository.counts(owner: nil) == before)
            #expect(h.faults.calls(.get) == 0)
            // Without the secret, even the test delivery is refused.
            #expect(try await post(h, test, headers: []).status == 401)
        }
    }

    @Test func notificationFailureIsReadFromAlertTypeNeverFromThePolicyName() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            _ = try await h.createUpload(alice, #"{"custom_id":"n-fail"}"#)
            _ = try await h.createUpload(alice, #"{"custom_id":"n-named"}"#)
            func envelope(_ id: String, name: String, data: String) -> String {
                #"{"name":"\#(name)","text":"Image upload","data":\#(data),"ts":1767225600,"account_id":"acc-test","policy_id":"p","policy_name":"\#(name)","alert_type":"image_notification","alert_correlation_id":"c","alert_event":""}"#
            }
            // A policy the user named "upload failures" reporting a success: not a failure.
            #expect(
                try await post(
                    h,
                    envelope("n-named", name: "upload failures", data: #"{"image_id":"n-named","status":"uploaded"}"#)
                ).status == 200)
            #expect(try await h.repository.image(.cloudflareID("n-named"), owner: nil)?.status == .draft)
            // A failure Cloudflare reports in data, for an image still a draft there: failed.
            #expect(
                try await post(h, envelope("n-fail", name: "images", data: #"{"image_id":"n-fail","status":"failed"}"#))
                    .status == 200)
            #expect(try await h.repository.image(.cloudflareID("n-fail"), owner: nil)?.status == .failed)
        }
    }

    @Test func oversizedDeliveriesAreRefused() async throws {
        try await withHarness { h in
            let big = #"{"id":"x","pad":""# + String(repeating: "a", count: 1 << 20) + #""}"#
            let response = try await post(h, big)
            #expect(response.status == 413)
        }
    }
}
