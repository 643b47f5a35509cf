import Base16
import Crypto
import Testing

struct HexTests {
    @Test func encodesLowercase() {
        #expect(Hex.encode([]) == "")
        #expect(Hex.encode([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
    }

    @Test func roundTripsEveryByte() throws {
        let all = (0...255).map { UInt8($0) }
        #expect(Hex.decode(Hex.encode(all)) == all)
        let random = try SecureRandom.bytes(count: 64)
        #expect(Hex.decode(Hex.encode(random)) == random)
    }

    @Test func decodesUpperAndMixedCase() {
        #expect(Hex.decode("DEADbeef") == [0xde, 0xad, 0xbe, 0xef])
        #expect(Hex.decode("") == [])
    }

    @Test(arguments: ["a", "abc", "zz", "0g", "0x00", " 00", "00 ", "é0", "-1", "+1"])
    func rejectsBadInput(_ input: String) {
        #expect(Hex.decode(input) == nil)
    }
}
