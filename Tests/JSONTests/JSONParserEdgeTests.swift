import Foundation
import JSON
import Testing

/// The parser's outcome (the value, or the error message) for edge cases, invalid UTF-8, deep nesting and 600
/// random mutations of valid documents, pinned in `parser-outcomes.txt` (hex input, then `= <value as JSON>` or
/// `! <reason>`). The outcomes were recorded from the byte-index parser before it was rewritten over buffer
/// pointers, so a change of behaviour in either direction shows up here.
@Suite struct JSONParserEdgeTests {
    static func recordedOutcomes() throws -> [(bytes: [UInt8], outcome: String)] {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "parser-outcomes.txt")
        return try String(contentsOf: path, encoding: .utf8).split(separator: "\n").map { line in
            let space = try #require(line.firstIndex(of: " "))
            let hex = Array(line[..<space].utf8)
            let bytes = stride(from: 0, to: hex.count, by: 2).map {
                UInt8(String(decoding: hex[$0...($0 + 1)], as: UTF8.self), radix: 16)!
            }
            return (bytes, String(line[line.index(after: space)...]))
        }
    }

    static func outcome(_ result: Result<JSONValue, JSONParseError>) -> String {
        switch result {
        case .success(let value): "= " + value.jsonText
        case .failure(let error): "! " + error.reason
        }
    }

    @Test func matchesRecordedOutcomes() throws {
        let recorded = try Self.recordedOutcomes()
        #expect(recorded.count == 723)
        for (bytes, expected) in recorded {
            let fromArray = Self.outcome(Result { () throws(JSONParseError) in try JSONValue.parse(bytes) })
            let fromSpan = Self.outcome(Result { () throws(JSONParseError) in try JSONValue.parse(bytes.span) })
            #expect(fromArray == expected, "\(bytes)")
            #expect(fromSpan == expected, "\(bytes)")
        }
    }

    /// `parseStrings` gives what `parse` gives for an array of strings, nil for any other valid document, and the
    /// same error for an invalid one: over the recorded inputs and a few arrays of strings of every kind.
    @Test func stringArraysAgreeWithTheGeneralParse() throws {
        let arrays = [
            #"[]"#, #" [ "a" , "b\u00e9\n" ] "#, #"["https://x/y/public","\ud83d\ude00",""]"#, #"["a",1]"#,
            #"[["a"]]"#, #"["a"] x"#, #"["a",]"#, #""a""#, #"{"a":"b"}"#,
        ]
        let inputs = try Self.recordedOutcomes().map(\.bytes) + arrays.map { Array($0.utf8) }
        var stringArrays = 0
        for bytes in inputs {
            let general = Result { () throws(JSONParseError) in try JSONValue.parse(bytes) }
            let strings = Result { () throws(JSONParseError) in try JSONValue.parseStrings(bytes.span) }
            switch (general, strings) {
            case (.failure(let expected), .failure(let error)):
                #expect(error.reason == expected.reason, "\(bytes)")
            case (.success(.array(let elements)), .success(let parsed?)):
                #expect(elements == parsed.map(JSONValue.string), "\(bytes)")
                stringArrays += 1
            case (.success(let value), .success(nil)):
                if case .array(let elements) = value {
                    #expect(!elements.allSatisfy { $0.stringValue != nil }, "\(bytes)")
                }
            default:
                Issue.record("\(bytes): parse \(general), parseStrings \(strings)")
            }
        }
        #expect(stringArrays >= 4)
    }

    @Test func spanAndArrayAgree() throws {
        let bytes = Array(#"{"a":[1,2.5,"x"],"b":null}"#.utf8)
        #expect(try JSONValue.parse(bytes.span) == JSONValue.parse(bytes))
        #expect(throws: JSONParseError.self) { try JSONValue.parse([UInt8]().span) }
    }
}
