import Base16
import Crypto
import TestSupport
import Testing

@testable import CloudflareImagesCore

/// The pure-Swift SHA-256 and HMAC-SHA256 that sign URLs without OpenSSL: the FIPS 180-4 / NIST example vectors,
/// RFC 4231's HMAC test cases, and agreement with our OpenSSL-backed `Crypto` module on random inputs.
struct PureHMACTests {
    private typealias PureSHA256 = CloudflareImagesCore.SHA256
    private typealias PureHMAC = CloudflareImagesCore.HMAC

    private func hex(_ bytes: [UInt8]) -> String { Base16.Hex.encode(bytes) }
    private func bytes(_ hex: String) throws -> [UInt8] { try #require(Base16.Hex.decode(hex)) }

    @Test func nistSHA256Vectors() {
        let vectors: [(String, String)] = [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
            ),
            (
                "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
                "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
            ),
        ]
        for (message, digest) in vectors {
            #expect(hex(PureSHA256.hash(Array(message.utf8))) == digest, "\(message)")
        }
        // One million "a", fed in uneven pieces so blocks straddle updates.
        var hasher = PureSHA256()
        var fed = 0
        var piece = 1
        while fed < 1_000_000 {
            let count = min(piece, 1_000_000 - fed)
            hasher.update([UInt8](repeating: UInt8(ascii: "a"), count: count))
            fed += count
            piece = piece % 997 + 13
        }
        #expect(hex(hasher.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func rfc4231HMACVectors() throws {
        let largeKey = [UInt8](repeating: 0xAA, count: 131)
        let cases: [(key: [UInt8], data: [UInt8], mac: String)] = [
            (
                [UInt8](repeating: 0x0B, count: 20), Array("Hi There".utf8),
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
            ),
            (
                Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
            ),
            (
                [UInt8](repeating: 0xAA, count: 20), [UInt8](repeating: 0xDD, count: 50),
                "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"
            ),
            (
                Array(1...25), [UInt8](repeating: 0xCD, count: 50),
                "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"
            ),
            // Test case 5 is truncated to 128 bits by the RFC.
            (
                [UInt8](repeating: 0x0C, count: 20), Array("Test With Truncation".utf8),
                "a3b6167473100ee06e0c796c2955552b"
            ),
            (
                largeKey, Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
            ),
            (
                largeKey,
                Array(
                    ("This is a test using a larger than block-size key and a larger than block-size data. "
                        + "The key needs to be hashed before being used by the HMAC algorithm.").utf8),
                "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"
            ),
        ]
        for (index, test) in cases.enumerated() {
            let mac = hex(PureHMAC.sha256(key: test.key, message: test.data))
            #expect(mac.hasPrefix(test.mac), "RFC 4231 test case \(index + 1)")
            #expect(try bytes(mac) == Crypto.HMAC.sha256(key: test.key, message: test.data))
        }
    }

    /// Every length from 0 to 300 (each padding case, keys shorter than, equal to and longer than a block), then
    /// random lengths up to 5,000 bytes: 5,000 inputs in all, each digest and MAC equal to OpenSSL's.
    @Test func agreesWithOpenSSLOnRandomInputs() {
        var generator = SeededGenerator(seed: 0x5EED_CF1A)
        var checked = 0
        for round in 0..<5_000 {
            let messageLength = round <= 300 ? round : Int.random(in: 0...5_000, using: &generator)
            let keyLength = round <= 300 ? (round * 7) % 200 : Int.random(in: 0...300, using: &generator)
            let message = (0..<messageLength).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            let key = (0..<keyLength).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            guard PureSHA256.hash(message) == Crypto.SHA256.hash(message),
                PureHMAC.sha256(key: key, message: message) == Crypto.HMAC.sha256(key: key, message: message)
            else {
                Issue.record("differs from OpenSSL: key \(hex(key)), message \(hex(message))")
                return
            }
            checked += 1
        }
        #expect(checked == 5_000)
    }

    @Test func incrementalUpdatesEqualOneShot() {
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<200 {
            let message = (0..<Int.random(in: 0...700, using: &generator)).map { _ in
                UInt8.random(in: .min ... .max, using: &generator)
            }
            var hasher = PureSHA256()
            var rest = message[...]
            while !rest.isEmpty {
                let count = Int.random(in: 1...130, using: &generator)
                hasher.update(Array(rest.prefix(count)))
                rest = rest.dropFirst(count)
            }
            #expect(hasher.finalize() == Crypto.SHA256.hash(message))
        }
    }

    @Test func constantTimeEquals() {
        #expect(CloudflareImagesCore.ConstantTime.equals([], []))
        #expect(CloudflareImagesCore.ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!CloudflareImagesCore.ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!CloudflareImagesCore.ConstantTime.equals([1, 2, 3], [1, 2]))
        #expect(!CloudflareImagesCore.ConstantTime.equals([1, 2], [1, 2, 3]))
        #expect(!CloudflareImagesCore.ConstantTime.equals([], [0]))
    }
}
