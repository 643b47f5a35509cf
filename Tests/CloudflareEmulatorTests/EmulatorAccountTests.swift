import CloudflareImages
import Foundation
import HTTPClient
import HTTPFields
import TestSupport
import Testing

@testable import CloudflareEmulator

/// The account-wide settings: flexible variants on and off (`v1/config`), `v1/variants`, a read-only token, and an
/// account without signing keys.
@Suite struct EmulatorAccountTests {
    static let readOnlyToken = "read-only-token-0987654321"

    /// A public PNG with custom id `pic`; returns its delivery root `.../imagedelivery/<hash>/pic`.
    func publicImage(_ h: EmulatorHarness) async throws -> String {
        let bytes = ImageFixtures.png(width: 2, height: 2)
        let reply = try await h.call(
            "POST", h.images + "/v1", body: h.form([("id", "pic")], file: ("file", "p.png", bytes)))
        #expect(reply.status == 200)
        return "\(h.base)/imagedelivery/\(EmulatorHarness.account.accountHash)/pic"
    }

    func json(_ object: [String: Any]) throws -> HTTPClientRequest.Body {
        .bytes(Array(try JSONSerialization.data(withJSONObject: object)))
    }

    @Test func flexibleVariantsOffAreRefusedAsCloudflareRefusesThem() async throws {
        let h = try EmulatorHarness { $0.flexibleVariants = false }
        defer { Task { await h.stop() } }
        let root = try await publicImage(h)
        #expect(!h.emulator.flexibleVariantsEnabled)
        let refused = try await h.call("GET", "\(root)/w=100,fit=cover", token: nil)
        #expect(refused.status == 403)
        #expect(refused.text.contains("9429"))
        #expect(refused.text.contains("Flexible variants are not enabled for the account"))
        #expect(refused.response.headers["Cf-Resized"] == "err=9429")
        for variant in ["public", "thumbnail"] {
            #expect(try await h.call("GET", "\(root)/\(variant)", token: nil).status == 200, "\(variant)")
        }
    }

    @Test func patchConfigTurnsFlexibleVariantsOnAndOff() async throws {
        let h = try EmulatorHarness { $0.flexibleVariants = false }
        defer { Task { await h.stop() } }
        let root = try await publicImage(h)
        let headers: HTTPHeaders = ["Content-Type": "application/json"]

        let on = try await h.call(
            "PATCH", h.images + "/v1/config", body: try json(["flexible_variants": true]), headers: headers)
        #expect(on.status == 200)
        #expect(on.success == true)
        #expect(on.result?["flexible_variants"] as? Bool == true)
        #expect(try await h.call("GET", "\(root)/w=100", token: nil).status == 200)

        let off = try await h.call(
            "PATCH", h.images + "/v1/config", body: try json(["flexible_variants": false]), headers: headers)
        #expect(off.result?["flexible_variants"] as? Bool == false)
        #expect(try await h.call("GET", "\(root)/w=100", token: nil).status == 403)

        // Other members are accepted and change nothing; a wrong type or a non-object body is Cloudflare's 400.
        let other = try await h.call(
            "PATCH", h.images + "/v1/config", body: try json(["browser_ttl": 3600]), headers: headers)
        #expect(other.status == 200)
        #expect(other.result?["flexible_variants"] as? Bool == false)
        let wrongType = try await h.call(
            "PATCH", h.images + "/v1/config", body: try json(["flexible_variants": "yes"]), headers: headers)
        #expect(wrongType.status == 400)
        #expect(wrongType.errorCode == 5400)
        #expect(try await h.call("PATCH", h.images + "/v1/config", body: .bytes(Array("[]".utf8))).status == 400)
        // The route is the config's, not an image's PATCH.
        #expect(try await h.call("GET", h.images + "/v1/config").status != 200)
    }

    @Test func variantsAreListedInCloudflaresShape() async throws {
        let h = try EmulatorHarness { $0.variants = ["public", "hero"] }
        defer { Task { await h.stop() } }
        let list = try await h.call("GET", h.images + "/v1/variants")
        #expect(list.status == 200)
        let variants = try #require(list.result?["variants"] as? [String: Any])
        #expect(Set(variants.keys) == ["public", "hero"])
        let hero = try #require(variants["hero"] as? [String: Any])
        #expect(hero["id"] as? String == "hero")
        #expect(hero["neverRequireSignedURLs"] as? Bool == false)
        let options = try #require(hero["options"] as? [String: Any])
        #expect(Set(options.keys) == ["fit", "metadata", "width", "height"])

        let one = try await h.call("GET", h.images + "/v1/variants/public")
        #expect(one.status == 200)
        #expect((one.result?["variant"] as? [String: Any])?["id"] as? String == "public")
        let missing = try await h.call("GET", h.images + "/v1/variants/thumbnail")
        #expect(missing.status == 404)
        #expect(missing.errorCode == 5404)
    }

    @Test func aReadOnlyTokenReadsButCannotEdit() async throws {
        let h = try EmulatorHarness { $0.readOnlyToken = Self.readOnlyToken }
        defer { Task { await h.stop() } }
        let token = Self.readOnlyToken
        for path in ["/v1/stats", "/v1/variants", "/v1/keys", "/v2", "/v1"] {
            #expect(try await h.call("GET", h.images + path, token: token).status == 200, "\(path)")
        }
        let attempts: [(String, String, HTTPClientRequest.Body)] = [
            ("POST", "/v2/direct_upload", h.form([])),
            ("POST", "/v1", h.form([], file: ("file", "p.png", ImageFixtures.png(width: 1, height: 1)))),
            ("PATCH", "/v1/config", try json(["flexible_variants": false])),
            ("DELETE", "/v1/anything", .none),
        ]
        for (method, path, body) in attempts {
            let reply = try await h.call(method, h.images + path, token: token, body: body)
            #expect(reply.status == 403, "\(method) \(path)")
            #expect(reply.errorCode == 10000, "\(method) \(path)")
            #expect(reply.errorMessage == "Authentication error")
        }
        #expect(h.emulator.flexibleVariantsEnabled)
        #expect(try await h.call("POST", h.images + "/v2/direct_upload", body: h.form([])).status == 200)
        #expect(try await h.call("GET", h.images + "/v1/stats", token: "neither").status == 403)
    }

    @Test func anAccountWithoutSigningKeysListsNone() async throws {
        let h = try EmulatorHarness { $0.listsSigningKeys = false }
        defer { Task { await h.stop() } }
        let reply = try await h.call("GET", h.images + "/v1/keys")
        #expect(reply.status == 200)
        #expect((reply.result?["keys"] as? [Any])?.isEmpty == true)
    }

    @Test func theClientReadsVariantsAndSwitchesFlexibleVariants() async throws {
        let h = try EmulatorHarness { $0.flexibleVariants = false }
        defer { Task { await h.stop() } }
        let client = try CloudflareClient(
            configuration: .init(
                accountID: EmulatorHarness.account.accountID, apiToken: EmulatorHarness.account.apiToken,
                baseURL: h.emulator.apiBaseURL,
                maxAttempts: 1),
            logger: EmulatorHarness.logger())
        let variants = try await client.variants()
        #expect(variants.map(\.id) == ["public", "thumbnail"])
        #expect(variants.last?.options.fit == "cover")
        #expect(variants.last?.options.width == 200)
        #expect(variants.first?.neverRequireSignedURLs == false)
        try await client.setFlexibleVariants(true)
        #expect(h.emulator.flexibleVariantsEnabled)
        try await client.setFlexibleVariants(false)
        #expect(!h.emulator.flexibleVariantsEnabled)
    }
}
