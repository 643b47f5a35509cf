import Foundation
import JSON
import Testing

@Suite struct JSONParserTests {
    static let valid: [(String, JSONValue)] = [
        ("0", .int(0)), ("-0", .int(0)), ("-0.0", .double(-0.0)), ("1.0", .double(1.0)), ("1e2", .double(100)),
        ("12345678901234567890", .double(12_345_678_901_234_567_168)), ("-9223372036854775808", .int(.min)),
        (#""\u00e9\ud83c\udf89\n\/""#, .string("é🎉\n/")), (" [ 1 , true , null , \"x\" ] ", [1, true, .null, "x"]),
        (#"{"a":1,"a":2}"#, ["a": 2]), (#"{"nested":{"k":[{}]}}"#, ["nested": ["k": [[:]]]]),
        ("\"caf\u{e9}\"", .string("café")),
    ]

    @Test(arguments: valid)
    func parses(text: String, expected: JSONValue) throws {
        #expect(try JSONValue.parse(Array(text.utf8)) == expected)
    }

    /// Messages checked against CPython's json module: `python3 -c 'import json; json.loads(TEXT)'`.
    @Test(arguments: [
        ("", "Expecting value: line 1 column 1 (char 0)"),
        ("{", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
        ("{\"a\" 1}", "Expecting ':' delimiter: line 1 column 6 (char 5)"),
        ("[1 2]", "Expecting ',' delimiter: line 1 column 4 (char 3)"),
        ("[1,]", "Expecting value: line 1 column 4 (char 3)"),
        ("{} x", "Extra data: line 1 column 4 (char 3)"),
        ("\"abc", "Unterminated string starting at: line 1 column 1 (char 0)"),
        ("\n\n  nul", "Expecting value: line 3 column 3 (char 4)"),
        ("\"\\x\"", "Invalid \\escape: line 1 column 2 (char 1)"),
        ("\"a\u{01}\"", "Invalid control character at: line 1 column 3 (char 2)"),
    ])
    func errorsReadLikePython(text: String, message: String) {
        #expect {
            _ = try JSONValue.parse(Array(text.utf8))
        } throws: { error in
            (error as? JSONParseError)?.reason == message
        }
    }

    @Test(arguments: [
        [UInt8(ascii: "\""), 0xFF, UInt8(ascii: "\"")], Array("1e400".utf8), Array("NaN".utf8), Array("01".utf8),
        Array("\"\\ud800\"".utf8), Array("\"\\udc00\"".utf8), Array("tru".utf8), Array("-".utf8), Array("1.".utf8),
        Array(repeating: UInt8(ascii: "["), count: 100_000), Array(repeating: UInt8(ascii: "{"), count: 600),
    ])
    func rejects(bytes: [UInt8]) {
        #expect(throws: JSONParseError.self) { _ = try JSONValue.parse(bytes) }
    }

    @Test func deepButAllowedNesting() throws {
        let text = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        _ = try JSONValue.parse(Array(text.utf8))
    }

    @Test func agreesWithFoundationOnRoundTrips() throws {
        for value in JSONWriterTests.samples {
            #expect(try JSONValue.parse(value.jsonBytes) == value)
        }
    }
}
