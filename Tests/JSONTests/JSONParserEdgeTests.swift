import Testing
import JSON

/// The buffer-pointer parser gives the same value, or the same error message, as the parser it replaced
/// (`ReferenceJSONParser`), for edge cases and for random mutations of valid documents.
@Suite struct JSONParserEdgeTests {
    static let edgeCases: [String] = [
        // Strings: escapes, surrogate pairs, lone or reversed surrogates, raw controls, bytes after an escape.
        #""plain""#, #""""#, #""a\"b\\c\/d\b\f\n\r\t""#, #""\u0000\u001f\u007f\u00e9\u20ac""#, #""\uD83D\uDE00""#,
        #""\ud83d\ude00x""#, #""\uD83D""#, #""\uD83Dx""#, #""\uD83D\u0041""#, #""\uDE00\uD83D""#, #""\uD83D\uZZZZ""#,
        #""\u12""#, #""\u12G4""#, #""\x""#, "\"\\", "\"abc\\", "\"a\u{1}b\"", "\"a\tb\"", "\"\u{7f}\"", "\"é日本\u{1F600}\"",
        #""caf\u00e9 and é""#, "\"unterminated", "\"", "[\"a\",\"b", #"{"k\u0000":"v"}"#,
        // Numbers: int, negative, zero forms, fractions, exponents, Int64 limits, digits past 18.
        "0", "-0", "7", "-7", "123456789012345678", "-123456789012345678", "999999999999999999", "1000000000000000000",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
        "12345678901234567890123", "0.5", "-0.0", "1.0", "1e2", "1E2", "1e+2", "1e-2", "-1.5e-300", "1e400", "-1e400",
        "1e", "1e+", "1.", ".5", "-", "--1", "01", "-01", "00", "1.5.5", "2e3e4", "[1e5, -0, 3.25]", "1.7976931348623157e308",
        "4.9e-324", "1e-400",
        // Literals and structure.
        "true", "false", "null", "tru", "nul", "truex", "[]", "{}", " [ ] ", "[1,]", "[,1]", "{\"a\":1,}", "{,}", "{\"a\"}",
        "{\"a\" 1}", "{\"a\":}", "{1:2}", "[1 2]", "{\"a\":1 \"b\":2}", "{} x", "[] []", "\n\n  nul", "\t\r\n 1 \t\r\n",
        #"{"a":1,"a":2}"#, #"{"a":{"b":1},"a":[2]}"#, #"{"nested":{"k":[{}]}}"#, "", " ", "\u{FEFF}1", "[1]\u{0}",
    ]

    @Test(arguments: edgeCases)
    func matchesTheReferenceParser(_ text: String) {
        expectSameOutcome(Array(text.utf8))
    }

    @Test func matchesOnInvalidUTF8() {
        let cases: [[UInt8]] = [
            [0x22, 0xFF, 0x22], [0x22, 0xC3, 0x22], [0x22, 0xC3, 0xA9, 0x22], [0x22, 0xE2, 0x82, 0x22],
            [0x22, 0xF0, 0x9F, 0x98, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xC0, 0xAF, 0x22],
            [0x22, 0xC3, 0x5C, 0x6E, 0xA9, 0x22], [0x22, 0x61, 0x5C, 0x6E, 0xFF, 0x22], [0x22, 0xFF],
            [0x22, 0xFF, 0x01, 0x22], [0xFF], [0x5B, 0xFF, 0x5D], [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D],
        ]
        for bytes in cases { expectSameOutcome(bytes) }
    }

    @Test func matchesOnDeepNesting() {
        for depth in [511, 512, 513, 600] {
            for (open, close) in [("[", "]"), ("{\"k\":", "}")] {
                let text = String(repeating: open, count: depth) + "1" + String(repeating: close, count: depth)
                expectSameOutcome(Array(text.utf8))
                expectSameOutcome(Array(String(repeating: open, count: depth).utf8))
            }
        }
    }

    /// Valid documents with one byte changed, dropped or repeated: many distinct errors and a few valid results.
    @Test func matchesOnMutations() {
        var generator = SplitMix64(seed: 42)
        let seeds = [
            #"{"source":"benchmark","n":-12.5e3,"list":[true,false,null,"\u00e9\ud83d\ude00"],"deep":{"x":[[1],{}]}}"#,
            #"["https://imagedelivery.net/benchhash/cf-1/public","caf\u00e9 \"q\" \\ /",123456789012345678901]"#,
        ].map { Array($0.utf8) }
        let alphabet = Array(#"{}[]:,"\/ubfnrt0123456789+-.eE "#.utf8) + [0x00, 0x0A, 0x7F, 0x80, 0xC3, 0xFF]
        for _ in 0..<3_000 {
            var bytes = seeds[Int(generator.next() % UInt64(seeds.count))]
            for _ in 0...(generator.next() % 3) {
                let at = Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 3 {
                case 0: bytes[at] = alphabet[Int(generator.next() % UInt64(alphabet.count))]
                case 1: bytes.remove(at: at)
                default: bytes.insert(bytes[at], at: at)
                }
                if bytes.isEmpty { break }
            }
            expectSameOutcome(bytes)
        }
    }

    @Test func spanAndArrayAgree() throws {
        let bytes = Array(#"{"a":[1,2.5,"x"],"b":null}"#.utf8)
        #expect(try JSONValue.parse(bytes.span) == JSONValue.parse(bytes))
        #expect(throws: JSONParseError.self) { try JSONValue.parse([UInt8]().span) }
    }

    private func expectSameOutcome(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        var reference = ReferenceJSONParser(bytes)
        let expected = Result { () throws(ReferenceParseError) in try reference.parseDocument() }
        let actual = Result { () throws(JSONParseError) in try JSONValue.parse(bytes) }
        switch (expected, actual) {
        case (.success(let want), .success(let got)):
            #expect(got == want, "\(bytes)", sourceLocation: sourceLocation)
        case (.failure(let want), .failure(let got)):
            #expect(got.reason == want.reason, "\(bytes)", sourceLocation: sourceLocation)
        default:
            Issue.record("outcomes differ for \(bytes): reference \(expected), new \(actual)", sourceLocation: sourceLocation)
        }
        let fromSpan = Result { () throws(JSONParseError) in try JSONValue.parse(bytes.span) }
        #expect(Outcome(fromSpan) == Outcome(actual), sourceLocation: sourceLocation)
    }
}

private enum Outcome: Equatable {
    case value(JSONValue)
    case error(String)

    init(_ result: Result<JSONValue, JSONParseError>) {
        switch result {
        case .success(let value): self = .value(value)
        case .failure(let error): self = .error(error.reason)
        }
    }
}

/// A small deterministic generator, so a failure reproduces.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
