import CloudflareEmulator
import Foundation
import ImageStore
import JSON
import Testing

/// What the API reports about `require_signed_urls` and `metadata` is what Cloudflare enforces.
@Suite struct CloudflareSettingsTests {
    static func pending(_ h: APIHarness, _ customID: String) async throws -> (token: String, id: String) {
        let alice = try await h.token("alice")
        let object = try await h.createUpload(alice, #"{"custom_id":"\#(customID)","require_signed_urls":false}"#)
        return (alice, try #require(object.string("id")))
    }

    static func events(_ h: APIHarness, _ id: String) async throws -> [String] {
        let uuid = try #require(UUID(uuidString: id))
        return try await h.repository.logs(imageID: uuid, limit: nil).map(\.eventType)
    }

    @Test func aChangeBeforeTheUploadIsAppliedWhenACheckSeesTheUpload() async throws {
        try await withHarness { h in
            let (alice, id) = try await Self.pending(h, "early")
            let patched = try await h.send(
                "PATCH", "api/images/\(id)/", token: alice, json: #"{"require_signed_urls":true,"metadata":{"k":"v"}}"#)
            #expect(patched.status == 200)
            #expect(patched.object?["require_signed_urls"] == .bool(true))
            #expect(h.faults.calls(.patch) == 0, "Cloudflare cannot take it before the upload")
            try await h.completeUpload("early")
            #expect(try await h.emulator.image("early")?.requireSignedURLs == false)

            let checked = try await h.send("POST", "api/images/\(id)/check_status/", token: alice)
            #expect(checked.status == 200, "\(checked.text)")
            #expect(try await h.emulator.image("early")?.requireSignedURLs == true)
            #expect(try await h.emulator.image("early")?.metadata == ["k": "v"])
            let image = try await h.send("GET", "api/images/\(id)/", token: alice)
            #expect(image.object?["require_signed_urls"] == .bool(true))
            #expect(image.object?.string("status") == "uploaded")
            #expect(try await Self.events(h, id).first == "cloudflare_settings_applied")
            #expect(try await h.repository.cloudflareFollowUps(.applySettings, limit: 10).isEmpty)
        }
    }

    @Test func aChangeBeforeTheUploadIsAppliedWhenTheWebhookArrives() async throws {
        try await withHarness { h in
            let (alice, id) = try await Self.pending(h, "hooked-late")
            _ = try await h.send("PATCH", "api/images/\(id)/", token: alice, json: #"{"require_signed_urls":true}"#)
            try await h.completeUpload("hooked-late")
            let body = #"{"id":"hooked-late","uploaded":"2026-01-02T03:04:05Z"}"#
            let response = try await h.send(
                "POST", "api/webhook/", body: Array(body.utf8), headers: [("X-Signature", WebhookTests.sign(body))])
            #expect(response.status == 200)
            #expect(try await h.emulator.image("hooked-late")?.requireSignedURLs == true)
            #expect(try await Self.events(h, id).prefix(2) == ["cloudflare_settings_applied", "webhook_received"])
        }
    }

    @Test func aFailedPushIsKeptAndRetriedByTheNextCheck() async throws {
        try await withHarness { h in
            let (alice, id) = try await Self.pending(h, "retry")
            _ = try await h.send("PATCH", "api/images/\(id)/", token: alice, json: #"{"require_signed_urls":true}"#)
            try await h.completeUpload("retry")
            h.faults.inject(.status(503), for: .patch)
            _ = try await h.send("POST", "api/images/\(id)/check_status/", token: alice)
            #expect(try await h.emulator.image("retry")?.requireSignedURLs == false)
            #expect(try await h.repository.cloudflareFollowUps(.applySettings, limit: 10).first?.attempts == 1)
            h.faults.inject(nil, for: .patch)
            _ = try await h.send("POST", "api/images/\(id)/check_status/", token: alice)
            #expect(try await h.emulator.image("retry")?.requireSignedURLs == true)
            #expect(try await h.repository.cloudflareFollowUps(.applySettings, limit: 10).isEmpty)
        }
    }

    @Test func anUploadedImageIsPushedEveryTimeAndAMismatchIsRepaired() async throws {
        try await withHarness { h in
            let (alice, id) = try await Self.pending(h, "done")
            try await h.completeUpload("done")
            _ = try await h.send("POST", "api/images/\(id)/check_status/", token: alice)
            // Changed at Cloudflare behind our back: the next check adopts what Cloudflare enforces, and says so.
            var remote = try #require(try await h.emulator.image("done"))
            remote.requireSignedURLs = true
            try await h.emulator.putImage(remote)
            _ = try await h.send("POST", "api/images/\(id)/check_status/", token: alice)
            let image = try await h.send("GET", "api/images/\(id)/", token: alice)
            #expect(image.object?["require_signed_urls"] == .bool(true))
            let uuid = try #require(UUID(uuidString: id))
            let log = try #require(try await h.repository.logs(imageID: uuid, limit: 1).first)
            #expect(log.data["require_signed_urls_at_cloudflare"] == .bool(true))
            // The same PATCH twice reaches Cloudflare twice.
            for _ in 0..<2 {
                let patched = try await h.send(
                    "PATCH", "api/images/\(id)/", token: alice, json: #"{"require_signed_urls":false}"#)
                #expect(patched.object?["require_signed_urls"] == .bool(false))
            }
            #expect(h.faults.calls(.patch) == 2)
            #expect(try await h.emulator.image("done")?.requireSignedURLs == false)
        }
    }

    @Test func metadataOverCloudflaresLimitIsRefusedAtPatchTime() async throws {
        try await withHarness { h in
            let (alice, id) = try await Self.pending(h, "big")
            let big = #"{"metadata":{"k":""# + String(repeating: "x", count: 1_020) + #""}}"#
            let response = try await h.send("PATCH", "api/images/\(id)/", token: alice, json: big)
            #expect(response.status == 400)
            #expect(response.object?["metadata"] != nil)
            #expect(try await Self.events(h, id) == ["upload_url_created"])
        }
    }
}
