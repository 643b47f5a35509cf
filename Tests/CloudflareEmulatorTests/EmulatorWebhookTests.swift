import Base16
import Crypto
import Foundation
import HTTPFields
import HTTPServer
import Logging
import TestSupport
import Testing

@testable import CloudflareEmulator

/// A tiny HTTPServer that records every request and answers the scripted statuses in turn (then 200).
final class WebhookRecorder: Sendable {
    let server: HTTPServer
    let requests = LockedValue<[Request]>([])
    var url: String { "http://127.0.0.1:\(server.localPort)/hook" }

    init(statuses: [Int] = []) throws {
        let requests = self.requests
        let script = LockedValue(statuses)
        server = HTTPServer(
            configuration: .init(port: 0, eventLoopCount: 1, shutdownGracePeriod: .seconds(1), accessLog: false),
            logger: EmulatorHarness.logger()
        ) { request in
            requests.set(requests.get() + [request])
            var remaining = script.get()
            let status = remaining.isEmpty ? 200 : remaining.removeFirst()
            script.set(remaining)
            return .text(HTTPStatus(code: status), "ok")
        }
        try server.start()
    }

    /// Waits (bounded) until `count` requests arrived.
    func wait(for count: Int, timeout: Duration = .seconds(20)) async -> [Request] {
        _ = await eventually(timeout: timeout) { requests.get().count >= count }
        return requests.get()
    }
}

@Suite struct EmulatorWebhookTests {
    func json(_ request: Request) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] ?? [:]
    }

    @Test func byDefaultTheNotificationsEnvelopeIsPostedWithOnlyTheSecret() async throws {
        let recorder = try WebhookRecorder()
        let h = try EmulatorHarness {
            $0.webhookURL = recorder.url
            $0.webhookSecret = "hook-secret"
        }
        defer {
            Task {
                await h.stop()
                await recorder.server.shutdown()
            }
        }
        let (id, url) = try await h.directUpload()
        #expect(
            try await h.upload(to: url, bytes: ImageFixtures.jpeg(width: 3, height: 4), filename: "a.jpg").status == 200
        )
        let (failedID, failedURL) = try await h.directUpload()
        #expect(try await h.upload(to: failedURL, bytes: Array("not an image".utf8)).status == 415)
        let received = await recorder.wait(for: 2)
        #expect(received.count == 2)
        for hook in received {
            #expect(hook.headers["cf-webhook-auth"] == "hook-secret")
            #expect(hook.headers["X-Signature"] == nil, "Cloudflare signs nothing")
            let payload = json(hook)
            // Cloudflare's generic webhook schema, every field.
            for key in [
                "name", "text", "data", "ts", "account_id", "policy_id", "policy_name", "alert_type",
                "alert_correlation_id", "alert_event",
            ] {
                #expect(payload[key] != nil, "missing \(key)")
            }
            #expect(payload["alert_type"] as? String == "image_notification")
            #expect(payload["account_id"] as? String == EmulatorHarness.account.accountID)
            #expect(payload["id"] == nil, "no flat image object")
        }
        let byImage = Dictionary(
            uniqueKeysWithValues: received.compactMap { hook -> (String, [String: Any])? in
                guard let data = json(hook)["data"] as? [String: Any], let image = data["image_id"] as? String else {
                    return nil
                }
                return (image, data)
            })
        #expect(byImage[id]?["status"] as? String == "uploaded")
        #expect(byImage[failedID]?["status"] as? String == "failed")
    }

    @Test func completedUploadIsPostedWithBothAuthHeadersAfterARetry() async throws {
        let recorder = try WebhookRecorder(statuses: [500])
        let h = try EmulatorHarness {
            $0.webhookURL = recorder.url
            $0.webhookSecret = "hook-secret"
            $0.webhookFormat = .flat
        }
        defer {
            Task {
                await h.stop()
                await recorder.server.shutdown()
            }
        }
        let (id, url) = try await h.directUpload([("metadata", #"{"owner":"9"}"#), ("creator", "u9")])
        #expect(
            try await h.upload(to: url, bytes: ImageFixtures.jpeg(width: 33, height: 44), filename: "me.jpg").status
                == 200)
        let received = await recorder.wait(for: 2)
        #expect(received.count == 2)
        let last = try #require(received.last)
        #expect(last.method == .post)
        #expect(last.path == "/hook")
        #expect(last.headers["cf-webhook-auth"] == "hook-secret")
        #expect(last.headers["Content-Type"] == "application/json")
        let expected = "sha256=" + Hex.encode(HMAC.sha256(key: "hook-secret", message: last.body))
        #expect(last.headers["X-Signature"] == expected)
        #expect(received[0].body == last.body)
        let payload = json(last)
        #expect(payload["id"] as? String == id)
        #expect(payload["draft"] as? Bool == false)
        #expect(payload["uploaded"] is String)
        #expect(payload["filename"] as? String == "me.jpg")
        #expect(payload["creator"] as? String == "u9")
        #expect((payload["metadata"] as? [String: Any])?["owner"] as? String == "9")
        #expect((payload["meta"] as? [String: Any])?["owner"] as? String == "9")
        #expect((payload["variants"] as? [String])?.count == 2)
        #expect(payload["requireSignedURLs"] as? Bool == false)
        #expect((payload["width"] as? NSNumber)?.intValue == 33)
        #expect((payload["height"] as? NSNumber)?.intValue == 44)
        #expect(payload["format"] as? String == "jpeg")
    }

    @Test func failedUploadIsPostedWithoutUploadedAndSignatureCanBeOff() async throws {
        let recorder = try WebhookRecorder()
        let h = try EmulatorHarness {
            $0.webhookURL = recorder.url
            $0.webhookSecret = "s"
            $0.webhookFormat = .flat
            $0.webhookSignsBody = false
        }
        defer {
            Task {
                await h.stop()
                await recorder.server.shutdown()
            }
        }
        let (id, url) = try await h.directUpload()
        #expect(try await h.upload(to: url, bytes: Array("not an image".utf8)).status == 415)
        let received = await recorder.wait(for: 1)
        let hook = try #require(received.first)
        #expect(hook.headers["cf-webhook-auth"] == "s")
        #expect(hook.headers["X-Signature"] == nil)
        let payload = json(hook)
        #expect(payload["id"] as? String == id)
        #expect(payload["draft"] as? Bool == true)
        #expect(payload["uploaded"] == nil)
        #expect(payload["status"] as? String == "failed")
        #expect(((payload["error"] as? [String: Any])?["code"] as? NSNumber)?.intValue == 5455)
    }

    @Test func unreachableWebhookNeverBlocksTheUpload() async throws {
        let h = try EmulatorHarness { $0.webhookURL = "http://127.0.0.1:9/nothing-listens-here" }
        defer { Task { await h.stop() } }
        let (_, url) = try await h.directUpload()
        #expect(try await h.upload(to: url, bytes: ImageFixtures.gif(width: 1, height: 1)).status == 200)
    }
}
