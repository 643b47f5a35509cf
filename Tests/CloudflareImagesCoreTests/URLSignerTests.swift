import CloudflareImagesCore
import Foundation
import Testing

/// Expected signatures were computed independently of this code with:
/// python3 -c 'import hmac,hashlib;print(hmac.new(b"test-signing-key",MSG.encode(),hashlib.sha256).hexdigest())'
/// where MSG is the pathname plus `?` plus the query, as in Cloudflare's "Serve private images" Worker.
struct URLSignerTests {
    let hash = "Vi7wi5KSItxGFsWRG2Us6Q"
    let signer = URLSigner(key: "test-signing-key")

    @Test func signsLikeCloudflare() throws {
        let url = try DeliveryURL(accountHash: hash, imageID: "083eb7b2-5392-4565-b69e-aff66acddd00", variant: .public)
        #expect(
            signer.sign(url, expiresAt: 1_700_000_000)
                == "https://imagedelivery.net/\(hash)/083eb7b2-5392-4565-b69e-aff66acddd00/public?exp=1700000000"
                + "&sig=4efac67588fc8361efbdf447b4d783aeb6498268ac31233c8c0361a11203d515")
    }

    @Test func signsEncodedPathOfCustomID() throws {
        let url = try DeliveryURL(accountHash: hash, imageID: "folder/my photo.jpg", variant: .named("thumbnail"))
        #expect(
            signer.sign(url, lifetime: 3600, now: 1_700_000_000).hasSuffix(
                "/folder/my%20photo.jpg/thumbnail?exp=1700003600"
                    + "&sig=3a125b0f3c9017287a9c02a5370a2fb850152facd0f3b34560fb9f37a18a1211"))
    }

    @Test func customDomainSignsTheImageDeliveryPath() throws {
        let domain = try DeliveryDomain.custom("images.example.com")
        let url = try DeliveryURL(
            accountHash: hash, imageID: "083eb7b2-5392-4565-b69e-aff66acddd00", variant: .public, domain: domain)
        let signed = signer.sign(url, expiresAt: 1_700_000_000)
        #expect(
            signed == "https://images.example.com/cdn-cgi/imagedelivery/\(hash)/083eb7b2-5392-4565-b69e-aff66acddd00"
                + "/public?exp=1700000000&sig=4efac67588fc8361efbdf447b4d783aeb6498268ac31233c8c0361a11203d515")
        #expect(signer.verify(signed, now: 1_699_999_999) == .valid(expiresAt: 1_700_000_000))
    }

    @Test func verifyValidAndExpiry() throws {
        let url = try DeliveryURL(accountHash: hash, imageID: "abc", variant: .public)
        let signed = signer.sign(url, expiresAt: 1_700_000_000)
        #expect(signer.verify(signed, now: 1_699_999_999) == .valid(expiresAt: 1_700_000_000))
        #expect(signer.verify(signed, now: 1_699_999_999).isValid)
        #expect(signer.verify(signed, now: 1_700_000_000) == .expired(expiresAt: 1_700_000_000))
        #expect(signer.verify(signed, now: 1_800_000_000) == .expired(expiresAt: 1_700_000_000))
        let pathAndQuery = String(signed.dropFirst("https://imagedelivery.net".count))
        #expect(URLSigner.verify(pathAndQuery, key: "test-signing-key", now: 0) == .valid(expiresAt: 1_700_000_000))
    }

    @Test func verifyRejectsTampering() throws {
        let url = try DeliveryURL(accountHash: hash, imageID: "abc", variant: .public)
        let signed = signer.sign(url, expiresAt: 1_700_000_000)
        #expect(URLSigner.verify(signed, key: "other-key", now: 0) == .badSignature)
        #expect(signer.verify(signed.replacingFirst("/public", with: "/thumbnail"), now: 0) == .badSignature)
        #expect(signer.verify(signed.replacingFirst("/abc/", with: "/abd/"), now: 0) == .badSignature)
        #expect(signer.verify(signed.replacingFirst("exp=1700000000", with: "exp=1800000000"), now: 0) == .badSignature)
        let sig = String(signed.split(separator: "sig=")[1])
        #expect(
            signer.verify(signed.replacingFirst(sig, with: sig.uppercased()), now: 0)
                == .valid(expiresAt: 1_700_000_000))
        #expect(signer.verify(signed.replacingFirst(sig, with: String(sig.dropLast(2))), now: 0) == .badSignature)
        #expect(signer.verify(signed.replacingFirst(sig, with: "zz" + sig.dropFirst(2)), now: 0) == .badSignature)
        #expect(signer.verify(signed + "&sig=" + sig, now: 0) == .badSignature)
        #expect(signer.verify(signed.replacingFirst("exp=1700000000", with: "exp=-1"), now: 0) == .badSignature)
    }

    @Test func verifyCoversOtherQueryParameters() {
        // MSG = "/Vi7wi5KSItxGFsWRG2Us6Q/abc/public?foo=1&exp=1700000000"
        let sig = "ee5cefae67a93d783fcc09c518fd2f035e0352af23f3650536db5e1605603328"
        #expect(
            signer.verify("/\(hash)/abc/public?foo=1&exp=1700000000&sig=\(sig)", now: 0)
                == .valid(expiresAt: 1_700_000_000))
        #expect(signer.verify("/\(hash)/abc/public?foo=2&exp=1700000000&sig=\(sig)", now: 0) == .badSignature)
    }

    @Test func verifyMissingParameters() {
        #expect(signer.verify("https://imagedelivery.net/\(hash)/abc/public", now: 0) == .missing)
        #expect(signer.verify("https://imagedelivery.net/\(hash)/abc/public?exp=1", now: 0) == .missing)
        #expect(signer.verify("https://imagedelivery.net/\(hash)/abc/public?sig=00", now: 0) == .missing)
    }

    @Test func keyIsNeverPrinted() {
        #expect(!"\(signer)".contains("test-signing-key"))
        #expect(!String(reflecting: signer).contains("test-signing-key"))
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
