import Foundation
import JSON
import Testing

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
        let reencoded = try JSONSerialization.data(
            withJSONObject: viaFoundation, options: [.fragmentsAllowed, .sortedKeys])
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
        writer.key("z")
        writer.int(1)
        writer.key("a")
        writer.beginArray()
        writer.string("x")
        writer.null()
        writer.endArray()
        writer.key("m")
        writer.string(nil as String?)
        writer.endObject()
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #"{"z":1,"a":["x",null],"m":null}"#)
    }

    @Test func staticKeysAndRawValuesWriteWhatThePlainCallsWrite() {
        var plain = JSONWriter()
        plain.beginObject()
        plain.key("a_b")
        plain.string("2026-11-21T00:00:00Z")
        plain.key("c")
        plain.beginArray()
        plain.string("x\u{01}y")
        plain.beginObject()
        plain.endObject()
        plain.endArray()
        plain.key("e")
        plain.value(.object([:]))
        plain.endObject()
        var fast = JSONWriter()
        fast.beginObject()
        fast.key("a_b" as StaticString)
        fast.raw { $0.append(contentsOf: #""2026-11-21T00:00:00Z""#.utf8) }
        fast.key("c" as StaticString)
        fast.beginArray()
        fast.string("x\u{01}y")
        fast.beginObject()
        fast.endObject()
        fast.endArray()
        fast.key("e" as StaticString)
        fast.value(.object([:]))
        fast.endObject()
        #expect(fast.bytes == plain.bytes)
        #expect(
            String(decoding: fast.bytes, as: UTF8.self) == #"{"a_b":"2026-11-21T00:00:00Z","c":["x\u0001y",{}],"e":{}}"#
        )
    }

    @Test func nonFiniteIsNull() {
        var writer = JSONWriter()
        writer.double(.infinity)
        #expect(writer.bytes == Array("null".utf8))
    }

    @Test func parseErrors() {
        #expect(throws: JSONParseError.self) { _ = try JSONValue.parse(Array("{".utf8)) }
        #expect(throws: JSONParseError.self) { _ = try JSONValue.parse([0xFF, 0xFE]) }
        #expect(
            (try? JSONValue.parse(Array(#"{"a":[1,2.5,"x",null,true]}"#.utf8))) == ["a": [1, 2.5, "x", .null, true]])
    }
}

/// The writer's fast paths (word-at-a-time escape scan, integers formatted in place, the nesting bit stack) against
/// plain reference forms and Foundation.
@Suite struct JSONWriterFastPathTests {
    /// The escaping the writer promises, one byte at a time.
    static func referenceQuoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar.value {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case ..<0x20: out += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func text(_ write: (inout JSONWriter) -> Void) -> String {
        var writer = JSONWriter(capacity: 4)
        write(&writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    static var escapeSamples: [String] {
        let controls = (0..<0x20).map { String(UnicodeScalar(UInt8($0))) }
        var samples = controls + ["\"", "\\", "/", "\u{7F}", "é", "漢字", "🎉", "", "a", "plain ascii only"]
        // Each escape class at every position of 1 to 40 bytes of plain text: before, inside and after the 8- and
        // 16-byte words the scan reads, and in the tail it reads as the last 8 bytes.
        for special in ["\"", "\\", "\n", "\u{01}", "\u{1F}", "\u{08}", "\u{0C}", "é"] {
            for length in [1, 7, 8, 9, 15, 16, 17, 23, 24, 31, 32, 33, 40] {
                for position in Set([0, length / 2, length - 1]) {
                    var chars = Array(repeating: "x", count: length)
                    chars[position] = special
                    samples.append(chars.joined())
                }
            }
        }
        // Bytes just above and below the classes the word test looks for.
        samples.append(String(repeating: " !#$[]^_`{|}~", count: 5))
        samples.append(String(repeating: "\u{1F}\u{20}\u{21}\u{22}\u{23}\u{5B}\u{5C}\u{5D}", count: 5))
        samples.append(String(repeating: "ÿ\u{80}\u{A2}\u{DC}", count: 9))
        return samples
    }

    @Test func stringsEscapeEveryClassAtEveryOffset() throws {
        for sample in Self.escapeSamples {
            let expected = Self.referenceQuoted(sample)
            #expect(Self.text { $0.string(sample) } == expected, "\(sample.debugDescription)")
            #expect(
                Self.text {
                    $0.beginObject()
                    $0.key(sample)
                    $0.null()
                    $0.endObject()
                } == "{\(expected):null}")
            let decoded = try JSONDecoder().decode(String.self, from: Data(Self.text { $0.string(sample) }.utf8))
            #expect(decoded == sample)
        }
    }

    @Test func stringsFromSubstringsAndBridgedStorage() {
        let long = String(repeating: "abc\"def", count: 20)
        let sliced = String(long.dropFirst(3).prefix(50))
        #expect(Self.text { $0.string(sliced) } == Self.referenceQuoted(sliced))
        let bridged = NSString(string: "ns \u{01} string é").description
        #expect(Self.text { $0.string(bridged) } == Self.referenceQuoted(bridged))
    }

    @Test func integersAtTheEdges() {
        var values: [Int64] = [0, 1, -1, 9, 10, -10, 99, 100, 12_345, -987_654_321, .max, .min, .max - 1, .min + 1]
        var power: Int64 = 1
        for _ in 0..<18 {
            power *= 10
            values += [power - 1, power, -power, -(power - 1)]
        }
        for value in values {
            #expect(Self.text { $0.int(value) } == String(value))
            #expect(
                Self.text {
                    $0.beginArray()
                    $0.int(value)
                    $0.int(Int(value))
                    $0.endArray()
                }
                    == "[\(value),\(value)]")
        }
        #expect(Self.text { $0.int(nil as Int?) } == "null")
    }

    @Test func literalsAndCommasInArraysAndObjects() {
        #expect(Self.text { $0.bool(true) } == "true")
        #expect(Self.text { $0.bool(false) } == "false")
        #expect(Self.text { $0.null() } == "null")
        #expect(Self.text { $0.double(.nan) } == "null")
        #expect(
            Self.text {
                $0.beginArray()
                $0.bool(true)
                $0.bool(false)
                $0.null()
                $0.double(-.infinity)
                $0.double(2.5)
                $0.endArray()
            } == "[true,false,null,null,2.5]")
        #expect(
            Self.text {
                $0.beginObject()
                $0.key("a" as StaticString)
                $0.bool(false)
                $0.key("b")
                $0.null()
                $0.endObject()
            } == #"{"a":false,"b":null}"#)
    }

    @Test func emptyContainers() {
        #expect(
            Self.text {
                $0.beginArray()
                $0.endArray()
            } == "[]")
        #expect(
            Self.text {
                $0.beginObject()
                $0.endObject()
            } == "{}")
        #expect(
            Self.text {
                $0.beginArray()
                $0.beginArray()
                $0.endArray()
                $0.beginObject()
                $0.endObject()
                $0.value(.object([:]))
                $0.value(.array([]))
                $0.beginObject()
                $0.key("e" as StaticString)
                $0.beginArray()
                $0.endArray()
                $0.endObject()
                $0.endArray()
            } == #"[[],{},{},[],{"e":[]}]"#)
    }

    @Test func rawValuesAfterKeysAndInArrays() {
        let text = Self.text {
            $0.beginObject()
            $0.key("a" as StaticString)
            $0.raw(Array("[1,2]".utf8))
            $0.key("b")
            $0.raw { $0.append(contentsOf: #""t""#.utf8) }
            $0.key("c" as StaticString)
            $0.beginArray()
            $0.raw(Array("1".utf8))
            $0.raw { $0.append(UInt8(ascii: "2")) }
            $0.raw([UInt8]("{}".utf8))
            $0.endArray()
            $0.key("d" as StaticString)
            $0.raw([UInt8]("null".utf8))
            $0.endObject()
        }
        #expect(text == #"{"a":[1,2],"b":"t","c":[1,2,{}],"d":null}"#)
    }

    @Test func objectsWriteMembersInSortedOrder() {
        #expect(JSONValue.object(["only": [1, "x"]]).jsonText == #"{"only":[1,"x"]}"#)
        #expect(
            JSONValue.object(["b": 2, "a": 1, "c": ["z": true, "y": .null]]).jsonText
                == #"{"a":1,"b":2,"c":{"y":null,"z":true}}"#)
    }

    /// Past the 64 levels the bit stack holds, the enclosing containers' commas come from the overflow array.
    @Test(arguments: [1, 63, 64, 65, 66, 130, 300])
    func deepNestingKeepsEveryComma(depth: Int) throws {
        func build(_ level: Int) -> JSONValue {
            level == depth
                ? .int(Int64(level)) : .array([.int(Int64(level)), build(level + 1), .string("after \(level)")])
        }
        func objects(_ level: Int) -> JSONValue {
            level == depth ? .null : .object(["a": .bool(true), "m": objects(level + 1), "z": .int(Int64(level))])
        }
        for value in [build(0), objects(0), .array([build(0), objects(0), .int(7)])] {
            let text = value.jsonText
            var expected = ""
            func reference(_ value: JSONValue) {
                switch value {
                case .array(let items):
                    expected += "["
                    for (index, item) in items.enumerated() {
                        if index > 0 { expected += "," }
                        reference(item)
                    }
                    expected += "]"
                case .object(let members):
                    expected += "{"
                    for (index, name) in members.keys.sorted().enumerated() {
                        if index > 0 { expected += "," }
                        expected += Self.referenceQuoted(name) + ":"
                        reference(members[name]!)
                    }
                    expected += "}"
                case .int(let i): expected += String(i)
                case .string(let s): expected += Self.referenceQuoted(s)
                case .bool(let b): expected += b ? "true" : "false"
                case .null: expected += "null"
                case .double(let d): expected += d.description
                }
            }
            reference(value)
            #expect(text == expected)
            if depth < 200 {
                let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
                #expect(decoded == value)
            }
        }
    }
}
