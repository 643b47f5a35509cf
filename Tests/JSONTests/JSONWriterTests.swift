import Foundation
import Testing
import JSON

@Suite struct JSONWriterTests {
    static let samples: [JSONValue] = [
        .null, true, false, 0, -42, 9_223_372_036_854_775_807, 1.5, -0.25, 1e-7,
        "", "plain", "quote \" backslash \\ slash / newline \n tab \t cr \r bell \u{07} nul \u{00}",
        "unicode é 漢字 🎉", ["a", 1, [true, .null]], ["b": 1, "a": ["nested": "x"], "": .null],
    ]

    @Test(arguments: samples)
    func roundTripsThroughFoundation(value: JSONValue) throws {
        let bytes = value.jsonBytes
        let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        #expect(decoded == value)
        let viaFoundation = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        let reencoded = try JSONSerialization.data(withJSONObject: viaFoundation, options: [.fragmentsAllowed, .sortedKeys])
        let again = try JSONDecoder().decode(JSONValue.self, from: reencoded)
        #expect(again == value)
    }

    @Test func compactSortedAndUnescapedSlashes() {
        let value: JSONValue = ["url": "https://x/y", "b": [1, 2], "a": "é"]
        #expect(value.jsonText == #"{"a":"é","b":[1,2],"url":"https://x/y"}"#)
    }

    @Test func handWrittenObjectsKeepOrder() {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("z"); writer.int(1)
        writer.key("a"); writer.beginArray(); writer.string("x"); writer.null(); writer.endArray()
        writer.key("m"); writer.string(nil as String?)
        writer.endObject()
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #"{"z":1,"a":["x",null],"m":null}"#)
    }

    @Test func staticKeysAndRawValuesWriteWhatThePlainCallsWrite() {
        var plain = JSONWriter()
        plain.beginObject()
        plain.key("a_b"); plain.string("2026-11-21T00:00:00Z")
        plain.key("c"); plain.beginArray(); plain.string("x\u{01}y"); plain.beginObject(); plain.endObject(); plain.endArray()
        plain.key("e"); plain.value(.object([:]))
        plain.endObject()
        var fast = JSONWriter()
        fast.beginObject()
        fast.key("a_b" as StaticString); fast.raw { $0.append(contentsOf: #""2026-11-21T00:00:00Z""#.utf8) }
        fast.key("c" as StaticString); fast.beginArray(); fast.string("x\u{01}y"); fast.beginObject(); fast.endObject(); fast.endArray()
        fast.key("e" as StaticString); fast.value(.object([:]))
        fast.endObject()
        #expect(fast.bytes == plain.bytes)
        #expect(String(decoding: fast.bytes, as: UTF8.self) == #"{"a_b":"2026-11-21T00:00:00Z","c":["x\u0001y",{}],"e":{}}"#)
    }

    @Test func nonFiniteIsNull() {
        var writer = JSONWriter()
        writer.double(.infinity)
        #expect(writer.bytes == Array("null".utf8))
    }

    @Test func parseErrors() {
        #expect(throws: JSONParseError.self) { _ = try JSONValue.parse(Array("{".utf8)) }
        #expect(throws: JSONParseError.self) { _ = try JSONValue.parse([0xFF, 0xFE]) }
        #expect((try? JSONValue.parse(Array(#"{"a":[1,2.5,"x",null,true]}"#.utf8))) == ["a": [1, 2.5, "x", .null, true]])
    }
}
