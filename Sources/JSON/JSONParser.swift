/// A strict RFC 8259 parser from bytes straight to `JSONValue`, one pass, no Foundation.
///
/// Integers without fraction or exponent that fit `Int64` become `.int`; every other number `.double` (so `1.0`
/// stays a double, as in Python). Strings must be valid UTF-8 and may not hold raw control characters; `\u`
/// escapes must pair surrogates. A duplicate object key keeps its last value. Nesting deeper than `maxDepth` is an
/// error rather than a stack overflow. Error messages follow Python's `json` module, with line, column and offset.
///
/// Reads a buffer the caller keeps alive for the parse (`JSONValue.parse` lends it); a string without escapes
/// becomes a `String` straight from its bytes.
struct JSONParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0
    private let maxDepth: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int = 512) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        if index < bytes.count { throw error("Extra data") }
        return value
    }

    // MARK: Values

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard index < bytes.count else { throw error("Expecting value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("Expecting value")
        }
    }

    private mutating func literal(_ word: StaticString, _ value: JSONValue) throws(JSONParseError) -> JSONValue {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw error("Expecting value") }
        let start = index
        let matches = word.withUTF8Buffer { word in
            (0..<count).allSatisfy { bytes[start + $0] == word[$0] }
        }
        guard matches else { throw error("Expecting value") }
        index += count
        return value
    }

    private mutating func enter() throws(JSONParseError) {
        depth += 1
        if depth > maxDepth { throw error("Nesting deeper than \(maxDepth) levels") }
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enter()
        index += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if peek == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object(members)
        }
        while true {
            guard peek == UInt8(ascii: "\"") else { throw error("Expecting property name enclosed in double quotes") }
            let key = try parseString()
            skipWhitespace()
            guard peek == UInt8(ascii: ":") else { throw error("Expecting ':' delimiter") }
            index += 1
            skipWhitespace()
            members[key] = try parseValue()
            skipWhitespace()
            switch peek {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
            case UInt8(ascii: "}"):
                index += 1
                depth -= 1
                return .object(members)
            default:
                throw error("Expecting ',' delimiter")
            }
        }
    }

    private mutating func parseArray() throws(JSONParseError) -> JSONValue {
        var items: [JSONValue] = []
        try parseElements { parser throws(JSONParseError) in items.append(try parser.parseValue()) }
        return .array(items)
    }

    /// A document that is an array of strings, read straight into `[String]`; nil when it is valid JSON of another
    /// shape.
    mutating func parseStringArrayDocument() throws(JSONParseError) -> [String]? {
        skipWhitespace()
        guard peek == UInt8(ascii: "[") else {
            _ = try parseDocument()
            return nil
        }
        var strings: [String] = []
        var allStrings = true
        try parseElements { parser throws(JSONParseError) in
            if parser.peek == UInt8(ascii: "\"") {
                strings.append(try parser.parseString())
            } else {
                allStrings = false
                _ = try parser.parseValue()
            }
        }
        skipWhitespace()
        if index < bytes.count { throw error("Extra data") }
        return allStrings ? strings : nil
    }

    /// The array at `index`, its opening bracket through its closing one, with `element` reading each element.
    private mutating func parseElements(
        _ element: (inout JSONParser) throws(JSONParseError) -> Void
    ) throws(JSONParseError) {
        try enter()
        index += 1
        skipWhitespace()
        if peek == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return
        }
        while true {
            try element(&self)
            skipWhitespace()
            switch peek {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
            case UInt8(ascii: "]"):
                index += 1
                depth -= 1
                return
            default:
                throw error("Expecting ',' delimiter")
            }
        }
    }

    // MARK: Numbers

    private mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = index
        let negative = peek == UInt8(ascii: "-")
        if negative { index += 1 }
        guard let first = peek, isDigit(first) else { throw error("Expecting value", at: start) }
        index += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        var isInteger = true
        if peek == UInt8(ascii: "."), index + 1 < bytes.count, isDigit(bytes[index + 1]) {
            isInteger = false
            index += 1
            skipDigits()
        }
        if let e = peek, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            var probe = index + 1
            if probe < bytes.count, bytes[probe] == UInt8(ascii: "+") || bytes[probe] == UInt8(ascii: "-") {
                probe += 1
            }
            if probe < bytes.count, isDigit(bytes[probe]) {
                isInteger = false
                index = probe
                skipDigits()
            }
        }
        let digitsStart = negative ? start + 1 : start
        // Up to 18 digits always fit Int64: add them up here rather than through a String.
        if isInteger, index - digitsStart <= 18 {
            var magnitude: Int64 = 0
            for i in digitsStart..<index { magnitude = magnitude &* 10 &+ Int64(bytes[i] &- UInt8(ascii: "0")) }
            return .int(negative ? -magnitude : magnitude)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        if isInteger, let integer = Int64(text) { return .int(integer) }
        guard let double = Double(text), double.isFinite else { throw error("Number out of range", at: start) }
        return .double(double)
    }

    private mutating func skipDigits() {
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    // MARK: Strings

    private mutating func parseString() throws(JSONParseError) -> String {
        let start = index
        index += 1
        let runStart = index
        // Most strings hold no escape: one scan, then the string from the bytes in place.
        var nonASCII: UInt8 = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let run = UnsafeBufferPointer(rebasing: bytes[runStart..<index])
                index += 1
                // ASCII is valid UTF-8 as it stands: `String(decoding:)` then repairs nothing, and is much cheaper.
                if nonASCII & 0x80 == 0 { return String(decoding: run, as: UTF8.self) }
                guard let string = String(validating: run, as: UTF8.self) else {
                    throw error("Invalid UTF-8 in string starting at", at: start)
                }
                return string
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            nonASCII |= byte
            index += 1
        }
        return try parseEscapedString(start: start, runStart: runStart)
    }

    /// The rest of a string from the first escape (or the error ending it): unescaped into a byte buffer.
    private mutating func parseEscapedString(start: Int, runStart: Int) throws(JSONParseError) -> String {
        var output: [UInt8] = []
        var runStart = runStart
        while true {
            guard index < bytes.count else { throw error("Unterminated string starting at", at: start) }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                index += 1
                break
            }
            if byte < 0x20 { throw error("Invalid control character at") }
            if byte == UInt8(ascii: "\\") {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                try parseEscape(into: &output)
                runStart = index
                continue
            }
            index += 1
        }
        guard let string = String(validating: output, as: UTF8.self) else {
            throw error("Invalid UTF-8 in string starting at", at: start)
        }
        return string
    }

    private mutating func parseEscape(into output: inout [UInt8]) throws(JSONParseError) {
        let escapeStart = index
        index += 1
        guard let code = peek else { throw error("Unterminated string starting at", at: escapeStart) }
        index += 1
        switch code {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(code)
        case UInt8(ascii: "b"): output.append(0x08)
        case UInt8(ascii: "f"): output.append(0x0C)
        case UInt8(ascii: "n"): output.append(0x0A)
        case UInt8(ascii: "r"): output.append(0x0D)
        case UInt8(ascii: "t"): output.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4(at: escapeStart)
            if (0xD800...0xDBFF).contains(scalar) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                else {
                    throw error("Unpaired surrogate in \\u escape", at: escapeStart)
                }
                index += 2
                let low = try hex4(at: escapeStart)
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw error("Unpaired surrogate in \\u escape", at: escapeStart)
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw error("Unpaired surrogate in \\u escape", at: escapeStart)
            }
            // Not a surrogate and at most 0x10FFFF: always a scalar.
            output.append(contentsOf: UTF8.encode(Unicode.Scalar(scalar)!)!)
        default:
            throw error("Invalid \\escape", at: escapeStart)
        }
    }

    private mutating func hex4(at escapeStart: Int) throws(JSONParseError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("Invalid \\uXXXX escape", at: escapeStart) }
        var value: UInt32 = 0
        for byte in bytes[index..<index + 4] {
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("Invalid \\uXXXX escape", at: escapeStart)
            }
            value = value << 4 | digit
        }
        index += 4
        return value
    }

    // MARK: Helpers

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            index += 1
        }
    }

    /// `message: line L column C (char N)`, counted as Python does (1-based line and column, 0-based offset).
    private func error(_ message: String, at position: Int? = nil) -> JSONParseError {
        let offset = min(position ?? index, bytes.count)
        var line = 1
        var lineStart = 0
        for i in 0..<offset where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        return JSONParseError(reason: "\(message): line \(line) column \(offset - lineStart + 1) (char \(offset))")
    }
}
