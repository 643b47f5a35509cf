import Base16
import CloudflareImages
import CloudflareImagesCore
import Crypto
import Foundation
import TestSupport
import Testing

@testable import CloudflareEmulator

/// The emulator's own date and signature code, seen over HTTP: the client's signed URLs and the documented
/// formula's open private images, an `expiry` with a numeric offset is read as RFC 3339 says, and `uploaded` is
/// Cloudflare's millisecond form.
@Suite struct EmulatorIndependenceTests {
    @Test func clientSignedAndDocumentSignedURLsOpenPrivateImages() async throws {
        let h = try EmulatorHarness()
        defer { Task { await h.stop() } }
        let now = Int64(Date().timeIntervalSince1970)
        let signer = URLSigner(key: EmulatorHarness.account.signingKey)
        for _ in 0..<4 {
            let upload = try await h.call(
                "POST", h.images + "/v1",
                body: h.form(
                    [("requireSignedURLs", "true")], file: ("file", "p.png", ImageFixtures.png(width: 1, height: 1))))
            let id = try #require(upload.result?["id"] as? String)
            for variant in ["public", "thumbnail"] {
                let url = try DeliveryURL(
                    accountHash: EmulatorHarness.account.accountHash, imageID: id, variant: DeliveryURL.Variant(variant)
                )
                let clientSigned = signer.sign(url, expiresAt: now + 300)
                let pathAndQuery = String(clientSigned.dropFirst(DeliveryDomain.imageDelivery.origin.count))
                #expect(try await h.call("GET", h.base + "/imagedelivery" + pathAndQuery, token: nil).status == 200)

                // Cloudflare's sample signer on a URL that already had a parameter.
                let message = "\(url.signingPath)?v=1&exp=\(now + 300)"
                let sig = Hex.encode(HMAC.sha256(key: EmulatorHarness.account.signingKey, message: message))
                let documented = "\(h.base)/imagedelivery\(message)&sig=\(sig)"
                #expect(try await h.call("GET", documented, token: nil).status == 200)
                #expect(try await h.call("GET", documented.uppercasedSignature, token: nil).status == 403)
                let expired = signer.sign(url, expiresAt: now - 1)
                let reply = try await h.call(
                    "GET", h.base + "/imagedelivery" + expired.dropFirst(DeliveryDomain.imageDelivery.origin.count),
                    token: nil)
                #expect(reply.status == 403)
                #expect(reply.text.contains("expired"))
            }
        }
    }

    @Test func expiryOffsetsAndUploadedForm() async throws {
        let h = try EmulatorHarness()
        defer { Task { await h.stop() } }
        // 3 hours ahead, written in UTC+05:30: inside the window only if the offset is subtracted.
        let target = Date().addingTimeInterval(3 * 3600)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 5 * 3600 + 1800)
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSS'+05:30'"
        let ahead = try await h.call(
            "POST", h.images + "/v2/direct_upload", body: h.form([("expiry", formatter.string(from: target))]))
        #expect(ahead.status == 200, "\(ahead.text)")
        // The same local time read as UTC would be 2.5 hours in the past.
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"
        let misread = try await h.call(
            "POST", h.images + "/v2/direct_upload", body: h.form([("expiry", formatter.string(from: target))]))
        #expect(misread.status == 400)
        for garbage in ["2030-02-30T00:00:00Z", "2030-01-01 00:00:00Z", "\u{0}", String(repeating: "9", count: 4096)] {
            let reply = try await h.call("POST", h.images + "/v2/direct_upload", body: h.form([("expiry", garbage)]))
            #expect(reply.status == 400)
            #expect(reply.errorMessage?.contains("RFC 3339") == true)
        }

        let id = try #require(ahead.result?["id"] as? String)
        let image = try await h.call("GET", h.images + "/v1/" + id)
        let uploaded = try #require(image.result?["uploaded"] as? String)
        #expect(
            uploaded.wholeMatch(of: try Regex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z"))
                != nil)
        #expect(RFC3339.parse(uploaded) != nil)
        let token = try await h.call("GET", h.images + "/v1/batch_token")
        let expiresAt = try #require(token.result?["expiresAt"] as? String)
        #expect(EmulatorDate(rfc3339: expiresAt) != nil)
        #expect(RFC3339.parse(expiresAt) != nil)
    }
}

private extension String {
    /// The URL with its `sig` value in uppercase hex.
    var uppercasedSignature: String {
        guard let range = range(of: "&sig=") else { return self }
        return String(self[..<range.upperBound]) + self[range.upperBound...].uppercased()
    }
}
