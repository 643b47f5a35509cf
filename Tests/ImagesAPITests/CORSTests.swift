import Configuration
import Foundation
import Testing

/// `CFIMAGES_CORS_ORIGINS` on the API, and the emulator's upload URLs answering CORS as Cloudflare's upload host.
@Suite struct CORSTests {
    static let app = "https://app.example.com"

    @Test func listedOriginsGetPreflightsAndCredentials() async throws {
        try await running(try await ConsoleHarness.start { $0.corsOrigins = [Self.app] }) { h in
            let key = try await h.token("alice")
            let preflight = try await sendRequest(
                "OPTIONS", h.origin + "/cloudflare-images/api/images/",
                headers: [
                    ("Origin", Self.app), ("Access-Control-Request-Method", "GET"),
                    ("Access-Control-Request-Headers", "authorization"),
                ])
            #expect(preflight.status == 204)
            #expect(preflight.header("Access-Control-Allow-Origin") == Self.app)
            #expect(preflight.header("Access-Control-Allow-Credentials") == "true")
            #expect(preflight.header("Access-Control-Allow-Headers")?.contains("Authorization") == true)
            #expect(preflight.header("Vary") == "Origin")
            // The path's own OPTIONS answer, so the methods granted are the ones the path serves.
            #expect(preflight.header("Allow") == "GET, HEAD, OPTIONS")
            #expect(preflight.header("Access-Control-Allow-Methods") == preflight.header("Allow"))

            // An error answer carries the grant too, so the browser lets the page read the 401.
            let refused = try await sendRequest(
                "GET", h.origin + "/cloudflare-images/api/images/", headers: [("Origin", Self.app)])
            #expect(refused.status == 401)
            #expect(refused.header("Access-Control-Allow-Origin") == Self.app)

            let list = try await sendRequest(
                "GET", h.origin + "/cloudflare-images/api/images/", token: key, headers: [("Origin", Self.app)])
            #expect(list.status == 200)
            #expect(list.header("Access-Control-Allow-Origin") == Self.app)
            #expect(list.header("Vary") == "Origin")

            let other = try await sendRequest(
                "OPTIONS", h.origin + "/cloudflare-images/api/images/",
                headers: [("Origin", "https://evil.example"), ("Access-Control-Request-Method", "GET")])
            #expect(other.header("Access-Control-Allow-Origin") == nil)
            let otherGet = try await sendRequest(
                "GET", h.origin + "/cloudflare-images/api/images/", token: key,
                headers: [("Origin", "https://evil.example")])
            #expect(otherGet.header("Access-Control-Allow-Origin") == nil)
            #expect(otherGet.header("Vary") == "Origin")
        }
    }

    @Test func anyOriginNeverCarriesCredentials() async throws {
        try await running(try await ConsoleHarness.start { $0.corsOrigins = ["*"] }) { h in
            let preflight = try await sendRequest(
                "OPTIONS", h.origin + "/cloudflare-images/api/upload-url/",
                headers: [("Origin", "https://anywhere.example"), ("Access-Control-Request-Method", "POST")])
            #expect(preflight.status == 204)
            #expect(preflight.header("Access-Control-Allow-Origin") == "*")
            #expect(preflight.header("Access-Control-Allow-Credentials") == nil)
        }
    }

    @Test func noSettingNoCORSHeaders() async throws {
        try await running(try await ConsoleHarness.start()) { h in
            let key = try await h.token("alice")
            let list = try await sendRequest(
                "GET", h.origin + "/cloudflare-images/api/images/", token: key, headers: [("Origin", Self.app)])
            #expect(list.status == 200)
            #expect(list.header("Access-Control-Allow-Origin") == nil && list.header("Vary") == nil)
        }
    }

    @Test func emulatorUploadURLsAnswerCORSLikeCloudflaresUploadHost() async throws {
        try await running(try await ConsoleHarness.start()) { h in
            let key = try await h.token("alice")
            let id = try await h.pendingImage(key, filename: "a.png")
            let image = try await sendRequest("GET", h.origin + "/cloudflare-images/api/images/\(id)/", token: key)
            let uploadURL = try #require(image.object?.string("upload_url"))
            let preflight = try await sendRequest(
                "OPTIONS", uploadURL, headers: [("Origin", Self.app), ("Access-Control-Request-Method", "POST")])
            #expect(preflight.status == 204)
            #expect(preflight.header("Access-Control-Allow-Origin") == "*")
            #expect(preflight.header("Access-Control-Allow-Credentials") == nil)
            let refused = try await sendRequest(
                "POST", uploadURL, body: Array("not multipart".utf8), bodyType: "text/plain",
                headers: [("Origin", Self.app)])
            #expect(refused.status == 400)
            #expect(refused.header("Access-Control-Allow-Origin") == "*", "errors too, so the browser can read them")
        }
    }
}
