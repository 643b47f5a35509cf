import Base16
import Crypto
import Testing

/// RFC 4231 HMAC-SHA256 test cases 1-7 (case 5's truncated output is compared on its first 16 bytes).
struct HMACTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let name: String
        let keyHex: String
        let dataHex: String
        let macHex: String
        var testDescription: String { name }
    }

    static let rfc4231: [Vector] = [
        Vector(
            name: "case 1",
            keyHex: String(repeating: "0b", count: 20),
            dataHex: Hex.encode(Array("Hi There".utf8)),
            macHex: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        ),
        Vector(
            name: "case 2",
            keyHex: Hex.encode(Array("Jefe".utf8)),
            dataHex: Hex.encode(Array("what do ya want for nothing?".utf8)),
            macHex: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        ),
        Vector(
            name: "case 3",
            keyHex: String(repeating: "aa", count: 20),
            dataHex: String(repeating: "dd", count: 50),
            macHex: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"
        ),
        Vector(
            name: "case 4",
            keyHex: "0102030405060708090a0b0c0d0e0f10111213141516171819",
            dataHex: String(repeating: "cd", count: 50),
            macHex: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"
        ),
        Vector(
            name: "case 6 (key longer than block)",
            keyHex: String(repeating: "aa", count: 131),
            dataHex: Hex.encode(Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)),
            macHex: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        ),
        Vector(
            name: "case 7 (key and data longer than block)",
            keyHex: String(repeating: "aa", count: 131),
            dataHex: Hex.encode(
                Array(
                    ("This is a test using a larger than block-size key and a larger than block-size data. "
                        + "The key needs to be hashed before being used by the HMAC algorithm.").utf8)),
            macHex: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"
        ),
    ]

    @Test(arguments: rfc4231)
    func rfc4231Vector(_ vector: Vector) throws {
        let key = try #require(Hex.decode(vector.keyHex))
        let data = try #require(Hex.decode(vector.dataHex))
        #expect(Hex.encode(HMAC.sha256(key: key, message: data)) == vector.macHex)
    }

    @Test func rfc4231Case5Truncated() throws {
        let key = try #require(Hex.decode(String(repeating: "0c", count: 20)))
        let mac = HMAC.sha256(key: key, message: Array("Test With Truncation".utf8))
        #expect(Hex.encode(mac.prefix(16)) == "a3b6167473100ee06e0c796c2955552b")
    }

    @Test func stringOverloadsMatchByteForms() {
        let expected = HMAC.sha256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(HMAC.sha256(key: "Jefe", message: "what do ya want for nothing?") == expected)
        #expect(HMAC.sha256(key: "Jefe", message: Array("what do ya want for nothing?".utf8)) == expected)
        #expect(HMAC.sha256(key: Array("Jefe".utf8), message: "what do ya want for nothing?") == expected)
    }

    /// python3 -c 'import hmac,hashlib;print(hmac.new(b"",b"",hashlib.sha256).hexdigest())'
    @Test func emptyKeyAndMessage() {
        #expect(
            Hex.encode(HMAC.sha256(key: "", message: ""))
                == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }
}
