import CloudflareEmulator
import CloudflareImages
import Configuration
import Foundation
import HTTPClient
import HTTPServer
import ImageStore
import ImagesAPI
import JSON
import Logging
import SQLite
import Synchronization
import TestSupport
import Testing

/// The API and the Cloudflare emulator embedded in one real server (as `cfimages serve` does without an account):
/// the emulator's upload webhook comes back to the API over loopback.
@Suite struct EmulatorFlowTests {
    /// A small valid GIF of the given size.
    static func gif(width: Int, height: Int) -> [UInt8] {
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        return Array("GIF89a".utf8) + le16(width) + le16(height)
            + [0x80, 0, 0, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0x2C, 0, 0, 0, 0] + le16(1) + le16(1) + [
                0, 2, 2, 0x44, 1, 0, 0x3B,
            ]
    }

    @Test func uploadThroughTheEmulatorIsMarkedUploadedByItsWebhook() async throws {
        let logger = quietLogger("emulator-flow")
        let secret = "emu-webhook-secret"
        let fixture = try await ServiceFixture.start(logger: logger, emulator: .init(webhookSecret: secret))
        let origin = fixture.origin
        let repository = fixture.repository
        let cloudflare = try CloudflareClient(
            configuration: .init(
                accountID: "emu-account", apiToken: "emu-token", baseURL: fixture.emulator!.apiBaseURL, maxAttempts: 1),
            httpClient: sharedHTTPClient)
        let settings = fixture.emulatorSettings(webhookSecret: secret)
        fixture.serve(ImagesAPI(settings: settings, repository: repository, cloudflare: cloudflare, logger: logger))

        func send(_ method: String, _ path: String, token: String, json: String? = nil) async throws -> TestResponse {
            try await sendRequest(
                method, origin + "/cloudflare-images/" + path, token: token, json: json, timeout: .seconds(10))
        }

        try await running(fixture) { _ in
            let token = try await repository.createToken(userName: "alice", isAdmin: false, label: "t").key
            let created = try await send(
                "POST", "api/upload-url/", token: token,
                json: #"{"metadata":{"album":"trip"},"require_signed_urls":false,"filename":"pic.gif","creator":"app"}"#
            )
            #expect(created.status == 201)
            let id = try #require(created.object?.string("id"))
            let uploadURL = try #require(created.object?.string("upload_url"))
            #expect(uploadURL.hasPrefix(origin + "/_emulator/upload/"))

            var form = MultipartForm()
            form.append("file", filename: "pic.gif", contentType: "image/gif", data: Self.gif(width: 32, height: 16))
            let uploaded = try await sharedHTTPClient.send(
                HTTPClientRequest(method: "POST", url: uploadURL, body: .multipart(form)))
            #expect(uploaded.status == 200)

            var detail: [String: JSONValue]?
            for _ in 0..<200 {
                let response = try await send("GET", "api/images/\(id)/", token: token)
                detail = response.object
                if detail?.string("status") == "uploaded" { break }
                try await Task.sleep(for: .milliseconds(25))
            }
            #expect(detail?.string("status") == "uploaded")
            let stored = try #require(try await repository.image(.id(UUID(uuidString: id)!), owner: nil))
            // Cloudflare's Notifications envelope and its image API report no dimensions: none are invented.
            #expect(stored.width == nil && stored.height == nil)
            let logs = try await repository.logs(imageID: stored.id, limit: nil).map(\.eventType)
            #expect(logs.first == "webhook_received")

            let publicURL = try #require(detail?.string("public_url"))
            #expect(publicURL.hasPrefix(origin + "/_emulator/imagedelivery/EmuHash/"))
            let delivered = try await sharedHTTPClient.send(HTTPClientRequest(url: publicURL))
            #expect(delivered.status == 200)

            let listed = try await send(
                "GET", "api/images/?status=uploaded&metadata__album=trip&creator=app", token: token)
            #expect(listed.object?["count"] == .int(1))
            let stats = try await send("GET", "api/stats/", token: token)
            #expect(stats.object?["uploaded_images"] == .int(1))
            let checked = try await send("POST", "api/images/\(id)/check_status/", token: token)
            #expect(checked.object?.string("status") == "uploaded")

            #expect(try await send("DELETE", "api/images/\(id)/", token: token).status == 204)
            await #expect(throws: CloudflareError.self) { _ = try await cloudflare.image(id: stored.cloudflareID) }
        }
    }
}
