import CloudflareImages
import CloudflareImagesCore
import Foundation
import HTTPClient
import HTTPFields
import TestSupport
import Testing

@testable import CloudflareEmulator

@Suite struct EmulatorDeliveryTests {
    /// A PNG uploaded with custom id `id`, or, when `signed` (Cloudflare lets no custom-id image be private), with
    /// the id the emulator picks. Returns the bytes and the image's id.
    func makeImage(_ h: EmulatorHarness, id: String, signed: Bool) async throws -> (bytes: [UInt8], id: String) {
        let bytes = ImageFixtures.png(width: 2, height: 2)
        let fields = signed ? [("requireSignedURLs", "true")] : [("id", id), ("requireSignedURLs", "false")]
        let reply = try await h.call("POST", h.images + "/v1", body: h.form(fields, file: ("file", "p.png", bytes)))
        #expect(reply.status == 200)
        return (bytes, reply.result?["id"] as? String ?? id)
    }

    @Test func publicNamedAndFlexibleVariants() async throws {
        let h = try EmulatorHarness()
        defer { Task { await h.stop() } }
        let bytes = try await makeImage(h, id: "folder/pic", signed: false).bytes
        let root = "\(h.base)/imagedelivery/\(EmulatorHarness.account.accountHash)/folder/pic"
        for variant in ["public", "thumbnail", "w=300,fit=cover"] {
            let reply = try await h.call("GET", "\(root)/\(variant)", token: nil)
            #expect(reply.status == 200, "\(variant)")
            #expect(reply.response.body == bytes)
            #expect(reply.response.headers["Content-Type"] == "image/png")
        }
        #expect(try await h.call("GET", "\(root)/nosuchvariant", token: nil).status == 404)
        #expect(
            try await h.call("GET", "\(h.base)/imagedelivery/wronghash/folder/pic/public", token: nil).status == 404)
        #expect(
            try await h.call(
                "GET", "\(h.base)/imagedelivery/\(EmulatorHarness.account.accountHash)/missing/public", token: nil
            ).status == 404)
        let head = try await h.call("HEAD", "\(root)/public", token: nil)
        #expect(head.status == 200)
    }

    @Test func draftsAreNotDelivered() async throws {
        let h = try EmulatorHarness()
        defer { Task { await h.stop() } }
        let (id, _) = try await h.directUpload()
        #expect(
            try await h.call(
                "GET", "\(h.base)/imagedelivery/\(EmulatorHarness.account.accountHash)/\(id)/public", token: nil
            ).status == 404)
    }

    @Test func privateImagesNeedValidSignatures() async throws {
        let h = try EmulatorHarness()
        defer { Task { await h.stop() } }
        let (bytes, secret) = try await makeImage(h, id: "", signed: true)
        let signer = URLSigner(key: EmulatorHarness.account.signingKey)
        let path = "/\(EmulatorHarness.account.accountHash)/\(secret)/public"
        let deliveryRoot = "\(h.base)/imagedelivery"
        func url(exp: Int64, tamper: Bool = false, omitSig: Bool = false) -> String {
            let sig = signer.signature(for: "\(path)?exp=\(exp)")
            let usedSig = tamper ? String(sig.dropLast()) + (sig.hasSuffix("0") ? "1" : "0") : sig
            return deliveryRoot + path + "?exp=\(exp)" + (omitSig ? "" : "&sig=\(usedSig)")
        }
        let now = Int64(Date().timeIntervalSince1970)

        let valid = try await h.call("GET", url(exp: now + 600), token: nil)
        #expect(valid.status == 200)
        #expect(valid.response.body == bytes)
        #expect(try await h.call("GET", deliveryRoot + path, token: nil).status == 403)
        #expect(try await h.call("GET", url(exp: now - 10), token: nil).status == 403)
        #expect(try await h.call("GET", url(exp: now + 600, tamper: true), token: nil).status == 403)
        #expect(try await h.call("GET", url(exp: now + 600, omitSig: true), token: nil).status == 403)
        // A signature for one variant does not open another.
        let sig = signer.signature(for: "\(path)?exp=\(now + 600)")
        let otherVariant =
            "\(deliveryRoot)/\(EmulatorHarness.account.accountHash)/\(secret)/thumbnail?exp=\(now + 600)&sig=\(sig)"
        #expect(try await h.call("GET", otherVariant, token: nil).status == 403)
        // Flexible variants are refused on private images, even signed.
        let flexPath = "/\(EmulatorHarness.account.accountHash)/\(secret)/w=100"
        let flexSig = signer.signature(for: "\(flexPath)?exp=\(now + 600)")
        let flexible = try await h.call("GET", "\(deliveryRoot)\(flexPath)?exp=\(now + 600)&sig=\(flexSig)", token: nil)
        #expect(flexible.status == 403)
        #expect(flexible.text.contains("Flexible variants"))
        // Moving the emulator's clock past `exp` expires a URL that was valid.
        h.emulator.clockOffset.set(3600 * 1000)
        #expect(try await h.call("GET", url(exp: now + 600), token: nil).status == 403)
    }

    @Test func embeddedUnderAMountPath() async throws {
        let h = try EmulatorHarness(mount: "/_emulator")
        defer { Task { await h.stop() } }
        #expect(h.emulator.apiBaseURL == h.base + "/client/v4")
        let (id, url) = try await h.directUpload()
        #expect(url.hasPrefix(h.base + "/upload/"))
        #expect(try await h.upload(to: url, bytes: ImageFixtures.gif(width: 1, height: 1)).status == 200)
        let image = try await h.call("GET", h.images + "/v1/" + id)
        let variant = try #require((image.result?["variants"] as? [String])?.first)
        #expect(variant.hasPrefix(h.base + "/imagedelivery/"))
        #expect(try await h.call("GET", variant, token: nil).status == 200)

        try await h.call("PATCH", h.images + "/v1/" + id, body: .bytes(Array(#"{"requireSignedURLs":true}"#.utf8)))
            .status.expect(200)
        let now = Int64(Date().timeIntervalSince1970)
        let signed = URLSigner(key: EmulatorHarness.account.signingKey)
            .signature(for: "/\(EmulatorHarness.account.accountHash)/\(id)/public?exp=\(now + 60)")
        #expect(try await h.call("GET", "\(variant)?exp=\(now + 60)&sig=\(signed)", token: nil).status == 200)
        #expect(try await h.call("GET", variant, token: nil).status == 403)
    }
}

extension Int {
    func expect(_ value: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(self == value, sourceLocation: sourceLocation)
    }
}
