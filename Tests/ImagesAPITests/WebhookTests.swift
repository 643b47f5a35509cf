import Base16
import Configuration
import Crypto
import Foundation
import ImageStore
import JSON
import TestSupport
import Testing

@Suite struct WebhookTests {
    static func sign(_ body: String, secret: String = APIHarness.webhookSecret) -> String {
        Hex.encode(HMAC.sha256(key: secret, message: Array(body.utf8)))
    }

    static func payload(_ id: String, extra: String = "") -> String {
        #"{"id":"\#(id)","uploaded":"2026-03-04T05:06:07.000123Z","variants":["https://imagedelivery.net/HASH123/\#(id)/public"],"metadata":{"from":"hook"},"width":640,"height":480,"format":"jpeg"\#(extra)}"#
    }

    func post(_ h: APIHarness, _ body: String, headers: [(String, String)]) async throws -> TestResponse {
        try await h.send(
            "POST", "api/webhook/", body: Array(body.utf8), headers: [("Content-Type", "application/json")] + headers)
    }

    @Test func signedFlatPayloadMarksUploadedOnceAndLogs() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            _ = try await h.createUpload(alice, #"{"custom_id":"hooked"}"#)
            try await h.completeUpload("hooked")
            let body = Self.payload("hooked")
            let response = try await post(h, body, headers: [("X-Signature", "sha256=" + Self.sign(body))])
            #expect(response.status == 200)
            #expect(response.text == "OK")
            #expect(response.header("Content-Type") == "text/html; charset=utf-8")
            let image = try #require(try await h.repository.image(.cloudflareID("hooked"), owner: nil))
            // Status, variants, metadata and upload time are Cloudflare's; dimensions (which Cloudflare's API does
            // not report) are the delivery's, kept because Cloudflare confirmed the upload.
            #expect(image.status == .uploaded)
            #expect(image.width == 640 && image.height == 480 && image.format == "jpeg")
            #expect(image.variants == ["public", "thumbnail"].map { "https://imagedelivery.net/HASH123/hooked/\($0)" })
            #expect(image.cloudflareMetadata == [:])
            #expect(Timestamp(image.uploadedAt) == "2026-01-02T03:04:05.678000Z")

            // The same delivery again changes nothing and writes no second log.
            let again = try await post(h, body, headers: [("X-Cloudflare-Signature", Self.sign(body))])
            #expect(again.status == 200)
            let logs = try await h.repository.logs(imageID: image.id, limit: nil)
            #expect(logs.map(\.eventType) == ["webhook_received", "upload_url_created"])
            #expect(logs.first?.data["payload"]?.objectValue?.string("id") == "hooked")
            let after = try #require(try await h.repository.image(.cloudflareID("hooked"), owner: nil))
            #expect(after.updatedAt == image.updatedAt)
        }
    }

    @Test func signatureFailuresAre401() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            _ = try await h.createUpload(alice, #"{"custom_id":"sig"}"#)
            let body = Self.payload("sig")
            let cases: [([(String, String)], String)] = [
                ([], "Missing signature"),
                ([("X-Signature", "")], "Missing signature"),
                ([("X-Signature", "deadbeef")], "Invalid signature"),
                ([("X-Signature", Self.sign(body, secret: "other"))], "Invalid signature"),
                ([("X-Signature", "sha256=é")], "Invalid signature"),
                ([("cf-webhook-auth", "wrong")], "Invalid signature"),
            ]
            for (headers, message) in cases {
                let response = try await post(h, body, headers: headers)
                #expect(response.status == 401, "\(headers)")
                #expect(response.text == message, "\(headers)")
            }
            let image = try #require(try await h.repository.image(.cloudflareID("sig"), owner: nil))
            #expect(image.status == .pending)
            let badToken = try await post(
                h, body, headers: [("X-Signature", Self.sign(body)), ("Authorization", "Token nope")])
            #expect(badToken.status == 401)
            #expect(badToken.text == #"{"detail":"Invalid token."}"#)
        }
    }

    @Test func cfWebhookAuthAndTimestampWindow() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            _ = try await h.createUpload(alice, #"{"custom_id":"ts-1"}"#)
            _ = try await h.createUpload(alice, #"{"custom_id":"ts-2"}"#)
            let now = Int(h.clock.now.timeIntervalSince1970)
            let body1 = Self.payload("ts-1")
            let stale = try await post(
                h, body1,
                headers: [
                    ("cf-webhook-auth", APIHarness.webhookSecret), ("X-Webhook-Timestamp", String(now - 301)),
                ])
            #expect(stale.status == 401)
            #expect(stale.text == "Stale timestamp")
            let garbled = try await post(
                h, body1, headers: [("X-Signature", Self.sign(body1)), ("X-Timestamp", "soon")])
            #expect(garbled.status == 401)
            #expect(garbled.text == "Invalid timestamp")
            let fresh = try await post(
                h, body1,
                headers: [
                    ("cf-webhook-auth", APIHarness.webhookSecret), ("X-Webhook-Timestamp", String(now - 30)),
                ])
            #expect(fresh.status == 200)
            // RFC 3339 timestamps, and a signature over "<timestamp>.<body>".
            let body2 = Self.payload("ts-2")
            let stamp = Timestamp(h.clock.now)
            let bound = Hex.encode(HMAC.sha256(key: APIHarness.webhookSecret, message: Array("\(stamp).\(body2)".utf8)))
            try await h.completeUpload("ts-2")
            let rfc = try await post(h, body2, headers: [("X-Signature", bound), ("X-Timestamp", stamp)])
            #expect(rfc.status == 200)
            #expect(try await h.repository.image(.cloudflareID("ts-2"), owner: nil)?.status == .uploaded)
        }
    }

    @Test func badBodiesAndUnknownImages() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            _ = try await h.createUpload(alice, #"{"custom_id":"known"}"#)
            let cases: [(String, Int, String)] = [
                ("{nope", 400, "Invalid JSON"),
                ("[1,2]", 400, "Invalid payload"),
                (#"{"id":"  "}"#, 400, "Invalid payload"),
                (#"{"id":"known","variants":["not a url"]}"#, 400, "Invalid payload"),
                (#"{"id":"known","metadata":null}"#, 400, "Invalid payload"),
                (#"{"id":"known","width":"wide"}"#, 400, "Invalid payload"),
                (#"{"id":"ghost","uploaded":"2026-01-01T00:00:00Z"}"#, 404, "Image not found"),
            ]
            for (body, status, text) in cases {
                let response = try await post(h, body, headers: [("X-Signature", Self.sign(body))])
                #expect(response.status == status, "\(body)")
                #expect(response.text == text, "\(body)")
            }
            let notUTF8: [UInt8] = [0x7B, 0xFF, 0xFE, 0x7D]
            let binary = try await h.send(
                "POST", "api/webhook/", body: notUTF8,
                headers: [
                    ("X-Signature", Hex.encode(HMAC.sha256(key: APIHarness.webhookSecret, message: notUTF8)))
                ])
            #expect(binary.status == 400)
            #expect(try await h.repository.image(.cloudflareID("known"), owner: nil)?.status == .pending)
        }
    }

    @Test func failureMarksFailedAndUnsignedOnlyWhenAllowed() async throws {
        try await withHarness(configure: { $0.webhookSecret = nil }) { h in
            let alice = try await h.token("alice")
            _ = try await h.createUpload(alice, #"{"custom_id":"broken"}"#)
            let refused = try await post(h, #"{"id":"broken","status":"failed"}"#, headers: [])
            #expect(refused.status == 401)
            #expect(refused.text.contains("CLOUDFLARE_IMAGES_WEBHOOK_SECRET"), "\(refused.text)")
            #expect(try await h.repository.image(.cloudflareID("broken"), owner: nil)?.status == .pending)
        }
        try await withHarness(configure: {
            $0.webhookSecret = nil
            $0.webhookAllowUnsigned = true
        }) { h in
            let alice = try await h.token("alice")
            _ = try await h.createUpload(alice, #"{"custom_id":"broken"}"#)
            let response = try await post(h, #"{"id":"broken","status":"failed"}"#, headers: [])
            #expect(response.status == 200)
            #expect(try await h.repository.image(.cloudflareID("broken"), owner: nil)?.status == .failed)
        }
    }

    @Test func notificationEnvelopeRefreshesFromTheAPI() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            _ = try await h.createUpload(alice, #"{"custom_id":"notified"}"#)
            try await h.completeUpload("notified", filename: "from-api.png")
            let body =
                #"{"name":"Images","text":"Image uploaded","data":{"image_id":"notified","uploaded":"1999-01-01T00:00:00Z"},"ts":\#(Int(h.clock.now.timeIntervalSince1970)),"alert_type":"images_upload"}"#
            let response = try await post(h, body, headers: [("cf-webhook-auth", APIHarness.webhookSecret)])
            #expect(response.status == 200)
            #expect(h.faults.calls(.get) == 1)
            let image = try #require(try await h.repository.image(.cloudflareID("notified"), owner: nil))
            #expect(image.status == .uploaded)
            #expect(image.filename == "from-api.png")
            #expect(Timestamp(image.uploadedAt) == "2026-01-02T03:04:05.678000Z")
            #expect(image.variants.count == 2)

            let unknown = #"{"name":"Images","text":"x","data":{"image_id":"nobody"},"ts":1}"#
            let missing = try await post(h, unknown, headers: [("cf-webhook-auth", APIHarness.webhookSecret)])
            #expect(missing.status == 404)
            let noID = #"{"name":"Images","text":"x","data":{"other":1},"ts":1}"#
            #expect(try await post(h, noID, headers: [("cf-webhook-auth", APIHarness.webhookSecret)]).status == 400)

            _ = try await h.createUpload(alice, #"{"custom_id":"down"}"#)
            h.faults.inject(.status(500), for: .get)
            let downBody = #"{"name":"Images","text":"x","data":{"image_id":"down"},"ts":2}"#
            let down = try await post(h, downBody, headers: [("cf-webhook-auth", APIHarness.webhookSecret)])
            #expect(down.status == 502)
            #expect(try await h.repository.image(.cloudflareID("down"), owner: nil)?.status == .pending)
        }
    }
}

/// The API's timestamp format, for comparisons.
func Timestamp(_ date: Date?) -> String? {
    guard let date else { return nil }
    let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    let seconds = Date(timeIntervalSince1970: TimeInterval(micros / 1_000_000))
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = TimeZone(identifier: "UTC")
    let whole = formatter.string(from: seconds).dropLast()
    let fraction = micros % 1_000_000
    return fraction == 0 ? "\(whole)Z" : "\(whole).\(String(format: "%06lld", fraction))Z"
}

func Timestamp(_ date: Date) -> String { Timestamp(Optional(date))! }
