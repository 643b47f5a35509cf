import Base16
import Crypto
import Testing

struct SecureRandomTests {
    @Test(arguments: [0, 1, 16, 32, 1000])
    func bytesHaveRequestedLength(_ count: Int) throws {
        #expect(try SecureRandom.bytes(count: count).count == count)
    }

    @Test func successiveDrawsDiffer() throws {
        var seen = Set<[UInt8]>()
        for _ in 0..<100 { seen.insert(try SecureRandom.bytes(count: 16)) }
        #expect(seen.count == 100)
    }

    @Test func hexStringIsLowercaseHexOfDoubleLength() throws {
        let token = try SecureRandom.hexString(byteCount: 24)
        #expect(token.count == 48)
        #expect(token.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(Hex.decode(token)?.count == 24)
        #expect(try SecureRandom.hexString(byteCount: 24) != token)
    }
}
