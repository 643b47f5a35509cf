import CloudflareImages
import CloudflareImagesCore
import Crypto
import Foundation
import TestSupport
import Testing

@testable import CloudflareEmulator

/// The emulator's signed-URL check against signatures computed here straight from Cloudflare's "Serve private
/// images" formula (HMAC-SHA256 of `pathname + "?" + query`, lowercase hex), and against the client's `URLSigner`
/// in both directions.
@Suite struct SignedURLCheckTests {
    static let key = "Oix0bbNaT8Rge9PuyxUBrjI6zrgnsyJ5"
    static let path = "/Vi7wi5KSItxGFsWRG2Us6Q/083eb7b2-5392-4565-b69e-aff66acddd00/public"

    /// The documented signature: lowercase hex of HMAC-SHA256(key, pathname + "?" + query-before-sig).
    static func documentedSignature(key: String, message: String) -> String {
        HMAC.sha256(key: Array(key.utf8), message: Array(message.utf8))
            .map { byte in
                let digits = String(byte, radix: 16)
                return digits.count == 1 ? "0" + digits : digits
            }
            .joined()
    }

    static func signed(_ path: String = path, key: String = key, query: String) -> String {
        "\(path)?\(query)&sig=\(documentedSignature(key: key, message: "\(path)?\(query)"))"
    }

    static func check(_ url: String, key: String = key, now: Int64) -> SignedURLCheck.Outcome {
        SignedURLCheck(signingKey: key).check(url, now: now)
    }

    @Test func acceptsTheDocumentedSignatureUntilExpiry() {
        let url = Self.signed(query: "exp=1631289275")
        #expect(Self.check(url, now: 0) == .valid(expiresAt: 1_631_289_275))
        #expect(Self.check(url, now: 1_631_289_274) == .valid(expiresAt: 1_631_289_275))
        // At the second `exp` names the URL has expired, as a JWT's `exp` has.
        #expect(Self.check(url, now: 1_631_289_275) == .expired(expiresAt: 1_631_289_275))
        #expect(Self.check(url, now: .max) == .expired(expiresAt: 1_631_289_275))
        #expect(Self.check(Self.signed(query: "exp=0"), now: 0) == .expired(expiresAt: 0))
        let last = Self.signed(query: "exp=\(Int64.max)")
        #expect(Self.check(last, now: .max - 1) == .valid(expiresAt: .max))
    }

    @Test func theQueryIsSignedAsReceivedAndInOrder() {
        // Parameters the URL had before signing are part of the message, in their order.
        #expect(Self.check(Self.signed(query: "v=2&exp=2000000000"), now: 0) == .valid(expiresAt: 2_000_000_000))
        #expect(Self.check(Self.signed(query: "exp=2000000000&v=2"), now: 0) == .valid(expiresAt: 2_000_000_000))
        let message = "\(Self.path)?v=2&exp=2000000000"
        let sig = Self.documentedSignature(key: Self.key, message: message)
        #expect(Self.check("\(Self.path)?exp=2000000000&v=2&sig=\(sig)", now: 0) == .badSignature)
        #expect(Self.check("\(Self.path)?v=3&exp=2000000000&sig=\(sig)", now: 0) == .badSignature)
        // `sig` may stand anywhere: taking it out leaves the signed query.
        #expect(Self.check("\(Self.path)?sig=\(sig)&v=2&exp=2000000000", now: 0) == .valid(expiresAt: 2_000_000_000))
        #expect(Self.check("\(Self.path)?v=2&sig=\(sig)&exp=2000000000", now: 0) == .valid(expiresAt: 2_000_000_000))
        // A parameter added after signing breaks it.
        #expect(Self.check(Self.signed(query: "exp=2000000000") + "&extra=1", now: 0) == .badSignature)
    }

    @Test func refusesMalformedOrRepeatedParameters() {
        let good = Self.signed(query: "exp=2000000000")
        let sig = String(good.split(separator: "sig=").last ?? "")
        #expect(Self.check(Self.path, now: 0) == .missing)
        #expect(Self.check(Self.path + "?", now: 0) == .missing)
        #expect(Self.check(Self.path + "?exp=2000000000", now: 0) == .missing)
        #expect(Self.check(Self.path + "?sig=\(sig)", now: 0) == .missing)
        #expect(Self.check(Self.path + "?signature=\(sig)&expires=2000000000", now: 0) == .missing)
        // The signer writes lowercase hex only; uppercase is not what it wrote.
        #expect(Self.check(Self.path + "?exp=2000000000&sig=\(sig.uppercased())", now: 0) == .badSignature)
        #expect(Self.check(Self.path + "?exp=2000000000&sig=\(sig.dropLast())", now: 0) == .badSignature)
        #expect(Self.check(Self.path + "?exp=2000000000&sig=\(sig)0", now: 0) == .badSignature)
        #expect(Self.check(Self.path + "?exp=2000000000&sig=\(sig)00", now: 0) == .badSignature)
        #expect(Self.check(Self.path + "?exp=2000000000&sig=", now: 0) == .badSignature)
        #expect(Self.check(Self.path + "?exp=2000000000&sig", now: 0) == .badSignature)
        #expect(Self.check(good + "&sig=\(sig)", now: 0) == .badSignature)
        #expect(Self.check(good + "&exp=2000000000", now: 0) == .badSignature)
        for exp in ["+2000000000", "-1", " 1", "1e9", "0x10", "", "99999999999999999999", "2000000000.5", "２"] {
            let url = Self.signed(query: "exp=\(exp)")
            #expect(Self.check(url, now: 0) == .badSignature, "exp=\(exp)")
        }
        #expect(Self.check(good, key: Self.key + "x", now: 0) == .badSignature)
        #expect(Self.check(good.replacingOccurrences(of: "/public", with: "/thumbnail"), now: 0) == .badSignature)
    }

    @Test func generatedPathsKeysAndExpiries() {
        var generator = SeededGenerator(seed: 0x516_0ED)
        let idAlphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$'()*+,;=:@%/")
        let keyAlphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789+/=_- üé€")
        for round in 0..<3_000 {
            let id = generator.string(from: idAlphabet, count: Int.random(in: 1...40, using: &generator))
            let variant = generator.string(
                from: Array("abcdefghij0123456789=,"), count: Int.random(in: 1...12, using: &generator))
            let path = "/hash\(round)/\(id)/\(variant)"
            let key = generator.string(from: keyAlphabet, count: Int.random(in: 0...64, using: &generator))
            let exp = Int64.random(in: 0...4_000_000_000, using: &generator)
            let url = Self.signed(path, key: key, query: "exp=\(exp)")
            #expect(Self.check(url, key: key, now: exp - 1) == .valid(expiresAt: exp), "round \(round)")
            #expect(Self.check(url, key: key, now: exp) == .expired(expiresAt: exp), "round \(round)")

            // Any one changed hex digit, or a changed key, path or exp, fails.
            var digits = Array(url.utf8)
            let at = digits.count - 1 - Int.random(in: 0..<64, using: &generator)
            let original = digits[at]
            let hex = Array("0123456789abcdef".utf8).filter { $0 != original }
            digits[at] = hex.randomElement(using: &generator) ?? UInt8(ascii: "0")
            #expect(Self.check(String(decoding: digits, as: UTF8.self), key: key, now: 0) == .badSignature)
            #expect(Self.check(url, key: key + "k", now: 0) == .badSignature)
            let moved = url.replacingOccurrences(of: "/hash\(round)/", with: "/hash\(round)x/")
            #expect(Self.check(moved, key: key, now: 0) == .badSignature)
            let later = url.replacingOccurrences(of: "exp=\(exp)&", with: "exp=\(exp + 1)&")
            #expect(Self.check(later, key: key, now: 0) == .badSignature)
        }
    }

    @Test func survivesRandomQueries() {
        var generator = SeededGenerator(seed: 0x0DD_0E5)
        let alphabet = Array("expsig=&?0123456789abcdefABCDEF%+-.ü ")
        for _ in 0..<20_000 {
            let query = generator.string(from: alphabet, count: Int.random(in: 0...90, using: &generator))
            let outcome = Self.check("\(Self.path)?\(query)", now: Int64.random(in: .min ... .max, using: &generator))
            // Guessing a 256-bit MAC does not happen: random queries are missing a part or badly signed.
            #expect(outcome == .missing || outcome == .badSignature, "\(query.debugDescription)")
        }
    }

    /// URLs the client signs open on the emulator's check, and URLs signed by the documented formula open on the
    /// client's verifier, over generated ids and variants; tampered ones fail on both.
    @Test func agreesWithTheClientSigner() throws {
        var generator = SeededGenerator(seed: 0xC1_1E47)
        let idAlphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~ ü?#%&=+/")
        let variants = ["public", "thumbnail", "w=300,fit=cover", "avatar-2x", "h=10,q=80,f=auto"]
        var checked = 0
        for round in 0..<3_000 {
            let id = generator.string(from: idAlphabet, count: Int.random(in: 1...48, using: &generator))
            let variant = variants.randomElement(using: &generator) ?? "public"
            let key = generator.string(
                from: Array("abcdefghijklmnopqrstuvwxyz0123456789"), count: Int.random(in: 1...48, using: &generator))
            guard
                let url = try? DeliveryURL(
                    accountHash: "Vi7wi5KSItxGFsWRG2Us6Q", imageID: id, variant: DeliveryURL.Variant(variant))
            else { continue }
            checked += 1
            let exp = Int64.random(in: 1_700_000_000...2_100_000_000, using: &generator)
            let signer = URLSigner(key: key)

            // Client → emulator: the client's full URL, reduced to the imagedelivery.net pathname and query.
            let clientSigned = signer.sign(url, expiresAt: exp)
            let origin = DeliveryDomain.imageDelivery.origin
            #expect(clientSigned.hasPrefix(origin))
            let pathAndQuery = String(clientSigned.dropFirst(origin.count))
            #expect(
                Self.check(pathAndQuery, key: key, now: exp - 1) == .valid(expiresAt: exp),
                "round \(round): \(pathAndQuery)")
            #expect(Self.check(pathAndQuery, key: key, now: exp) == .expired(expiresAt: exp), "round \(round)")

            // Documented formula → client: what Cloudflare's sample signer writes, the client accepts too.
            let documented = Self.signed(url.signingPath, key: key, query: "exp=\(exp)")
            #expect(documented == pathAndQuery, "round \(round)")
            #expect(signer.verify(documented, now: exp - 1) == .valid(expiresAt: exp), "round \(round)")
            #expect(Self.check(documented, key: key, now: exp - 1) == .valid(expiresAt: exp))

            // Tampered: both refuse.
            let tampered = documented.replacingOccurrences(of: "exp=\(exp)", with: "exp=\(exp + 60)")
            #expect(Self.check(tampered, key: key, now: 0) == .badSignature)
            #expect(signer.verify(tampered, now: 0) == .badSignature)
        }
        #expect(checked > 2_500)
    }
}
