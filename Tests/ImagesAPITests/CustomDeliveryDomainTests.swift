import CloudflareImages
import CloudflareImagesCore
import Configuration
import Foundation
import HTTPClient
import ImageStore
import JSON
import TestSupport
import Testing

/// A custom delivery domain (`CLOUDFLARE_IMAGES_DELIVERY_URL`) in `public_url` / `thumbnail_url` (contract §3.1)
/// and in the `url` endpoint, for images whose Cloudflare variant URLs are on `imagedelivery.net`.
@Suite struct CustomDeliveryDomainTests {
    /// An uploaded image with a custom id (`check_status` after the emulator's upload): its id. Cloudflare lets no
    /// image with a custom id require signed URLs, so a `signed` one is made private in the row only (as a row synced
    /// from elsewhere could be), to test the signer on ids with slashes and spaces.
    static func uploadedImage(_ h: APIHarness, token: String, customID: String, signed: Bool) async throws -> String {
        let created = try await h.createUpload(token, #"{"custom_id":"\#(customID)"}"#)
        let id = try #require(created.string("id"))
        try await h.completeUpload(customID)
        let checked = try await h.send("POST", "api/images/\(id)/check_status/", token: token)
        #expect(checked.object?.string("status") == "uploaded")
        if signed {
            let uuid = try #require(UUID(uuidString: id))
            _ = try await h.repository.update(
                .id(uuid), owner: nil, changes: ImageChanges(requireSignedURLs: true), log: LogEvent("test_private"))
        }
        return id
    }

    @Test func nativeCustomDomainInModelURLsAndDeliveryURLs() async throws {
        try await withHarness(configure: {
            $0.deliveryURL = "https://images.example.com"
            $0.signingKey = "custom-domain-key"
        }) { h in
            let alice = try await h.token("alice")
            let id = try await Self.uploadedImage(h, token: alice, customID: "shop/42 hero", signed: true)
            let base = "https://images.example.com/cdn-cgi/imagedelivery/HASH123/shop/42%20hero"

            let detail = try #require(try await h.send("GET", "api/images/\(id)/", token: alice).object)
            #expect(
                detail.string("public_url")
                    == "https://images.example.com/cdn-cgi/imagedelivery/HASH123/shop/42%20hero/public")
            #expect(
                detail.string("thumbnail_url")
                    == "https://images.example.com/cdn-cgi/imagedelivery/HASH123/shop/42%20hero/thumbnail")
            #expect(
                detail["variants"]
                    == .array([
                        .string("https://imagedelivery.net/HASH123/shop/42%20hero/public"),
                        .string("https://imagedelivery.net/HASH123/shop/42%20hero/thumbnail"),
                    ]))

            let answer = try #require(
                try await h.send("GET", "api/images/\(id)/url/?variant=thumbnail&expiry=120", token: alice).object)
            let url = try #require(answer.string("url"))
            #expect(url.hasPrefix(base + "/thumbnail?exp="))
            let now = Int64(h.clock.now.timeIntervalSince1970)
            // Signed over /<hash>/<id>/<variant>, without the domain's /cdn-cgi/imagedelivery prefix.
            #expect(URLSigner(key: "custom-domain-key").verify(url, now: now) == .valid(expiresAt: now + 120))
            #expect(URLSigner(key: "custom-domain-key").verify(url, now: now + 121) == .expired(expiresAt: now + 120))
        }
    }

    @Test func workerStyleDomainWithoutPrefixOrHash() async throws {
        try await withHarness(configure: {
            $0.deliveryURL = "http://cdn.test:8080/ignored"
            $0.deliveryPathPrefix = ""
            $0.deliveryIncludeAccountHash = false
        }) { h in
            let alice = try await h.token("alice")
            let id = try await Self.uploadedImage(h, token: alice, customID: "pic-1", signed: false)
            let detail = try #require(try await h.send("GET", "api/images/\(id)/", token: alice).object)
            #expect(detail.string("public_url") == "http://cdn.test:8080/pic-1/public")
            #expect(detail.string("thumbnail_url") == "http://cdn.test:8080/pic-1/thumbnail")

            let url = try #require(try await h.send("GET", "api/images/\(id)/url/?w=200&fit=crop", token: alice).object)
            #expect(url.string("url") == "http://cdn.test:8080/pic-1/fit=crop,width=200")
            #expect(url["expires_at"] == .null)

            let srcset = try #require(
                try await h.send("GET", "api/images/\(id)/srcset/?widths=100", token: alice).object)
            #expect(
                srcset.string("srcset")
                    == "http://cdn.test:8080/pic-1/fit=scale-down,format=auto,quality=85,width=100 100w")
        }
    }

    @Test func withoutACustomDomainURLsStayOnImageDelivery() async throws {
        try await withHarness(configure: { $0.signingKey = "k" }) { h in
            let alice = try await h.token("alice")
            let id = try await Self.uploadedImage(h, token: alice, customID: "plain", signed: false)
            let url = try #require(try await h.send("GET", "api/images/\(id)/url/", token: alice).object)
            #expect(url.string("url") == "https://imagedelivery.net/HASH123/plain/public")
            #expect(url["signed"] == .bool(false))

            // Another user's image is not found.
            let bob = try await h.token("bob")
            #expect(try await h.send("GET", "api/images/\(id)/url/", token: bob).status == 404)
            #expect(try await h.send("GET", "api/images/\(id)/url/").status == 401)
        }
    }

    @Test func privateImageWithoutAnyKeyNamesTheSetting() async throws {
        // The harness's account lists no signing key (`v1/keys` is empty), so none is found; nothing is cached and
        // the error says which setting is missing.
        try await withHarness { h in
            let alice = try await h.token("alice")
            let id = try await Self.uploadedImage(h, token: alice, customID: "secret", signed: true)
            let answer = try await h.send("GET", "api/images/\(id)/url/", token: alice)
            #expect([400, 502, 503].contains(answer.status))
            #expect(answer.object?.string("error")?.contains("CLOUDFLARE_IMAGES_SIGNING_KEY") == true)
        }
    }
}
