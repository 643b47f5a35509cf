/// Request ids: the client's `X-Request-ID` when it is a sane token, otherwise 32 random hex digits from a
/// per-loop generator (SplitMix64 seeded from the system generator; ids need to be unique, not secret).
struct RequestIDGenerator {
    private var state: UInt64

    init() {
        var system = SystemRandomNumberGenerator()
        state = system.next()
    }

    /// The client's id if it is 1...128 characters of `[A-Za-z0-9._-]`, else nil.
    static func sanitized(_ value: String?) -> String? {
        guard var value, !value.isEmpty, value.utf8.count <= 128 else { return nil }
        let sane = value.withUTF8 { bytes in
            bytes.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                    true
                default:
                    false
                }
            }
        }
        return sane ? value : nil
    }

    mutating func next() -> String {
        let high = nextWord()
        let low = nextWord()
        return String(unsafeUninitializedCapacity: 32) { buffer in
            let digits: StaticString = "0123456789abcdef"
            let hex = digits.utf8Start
            for i in 0..<16 {
                buffer[i] = hex[Int((high >> UInt64(60 - 4 * i)) & 0xF)]
                buffer[16 + i] = hex[Int((low >> UInt64(60 - 4 * i)) & 0xF)]
            }
            return 32
        }
    }

    private mutating func nextWord() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
