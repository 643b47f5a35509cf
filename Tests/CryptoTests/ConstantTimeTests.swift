import Crypto
import Testing

struct ConstantTimeTests {
    @Test func equalBytes() {
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(ConstantTime.equals([], []))
        #expect(ConstantTime.equals("sig", "sig"))
    }

    @Test func differentBytes() {
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([0, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals("abc", "abd"))
    }

    @Test func differentLengthsAreUnequal() {
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
        #expect(!ConstantTime.equals([1, 2], [1, 2, 3]))
        #expect(!ConstantTime.equals([], [0]))
        #expect(!ConstantTime.equals([0], []))
        #expect(!ConstantTime.equals("abc", "abcd"))
    }
}
