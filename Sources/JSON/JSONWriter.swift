/// Writes JSON text straight into a byte buffer: compact (`,` and `:` separators), non-ASCII written raw as UTF-8,
/// `/` not escaped, control characters as `\uXXXX`. Callers write object members in the order they choose.
///
/// Much cheaper than `JSONEncoder` for hot responses; `JSONWriterTests` checks its output against Foundation.
/// Each key or scalar value, with the `,` before it, is written with one capacity check (`append(addingCapacity:)`)
/// rather than one per byte.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8]
    /// Whether the next value or key in the current container needs a `,` first.
    private var needsComma = false
    /// How many containers are open.
    private var depth = 0
    /// The enclosing containers' `needsComma` for the first 64 levels (bit `n` for the container opened at depth
    /// `n`), so that nesting costs no allocation; touched only on begin and end.
    private var outerBits: UInt64 = 0
    /// The same past 64 levels, innermost last.
    private var deeper: [Bool] = []

    public init(capacity: Int = 512) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    // MARK: Containers

    public mutating func beginObject() { open(UInt8(ascii: "{")) }

    public mutating func endObject() { close(UInt8(ascii: "}")) }

    public mutating func beginArray() { open(UInt8(ascii: "[")) }

    public mutating func endArray() { close(UInt8(ascii: "]")) }

    /// Writes `"name":`; the next value written belongs to it.
    public mutating func key(_ name: String) {
        let comma = takeComma()
        writeString(name, comma: comma, colon: true)
        needsComma = false
    }

    /// Writes `"name":` for a compile-time name that needs no escaping (no `"`, `\\` or control characters),
    /// copied as is: for the fixed members of hot responses.
    public mutating func key(_ name: StaticString) {
        let comma = takeComma()
        name.withUTF8Buffer { utf8 in
            assert(Self.escapedExcess(utf8) == 0)
            appendToken(comma: comma, quoted: true, utf8, colon: true)
        }
        needsComma = false
    }

    // MARK: Values

    public mutating func string(_ value: String) {
        let comma = takeComma()
        writeString(value, comma: comma, colon: false)
    }

    public mutating func string(_ value: String?) {
        if let value { string(value) } else { null() }
    }

    /// Formatted on the stack, without a `String`.
    public mutating func int(_ value: Int64) {
        let comma = takeComma()
        var magnitude = value.magnitude
        var digits = 1
        var rest = magnitude
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        // `,`, `-` and at most 19 digits (Int64.min's magnitude has 19).
        bytes.append(addingCapacity: 21) { out in
            if comma { out.append(UInt8(ascii: ",")) }
            if value < 0 { out.append(UInt8(ascii: "-")) }
            out.withUnsafeMutableBufferPointer { buffer, count in
                var at = count + digits
                precondition(at <= buffer.count, "JSONWriter: capacity reserved too small")
                count = at
                repeat {
                    at -= 1
                    buffer[at] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10)
                    magnitude /= 10
                } while magnitude > 0
            }
        }
    }

    public mutating func int(_ value: Int) { int(Int64(value)) }

    public mutating func int(_ value: Int?) {
        if let value { int(Int64(value)) } else { null() }
    }

    /// Non-finite numbers have no JSON form and are written as `null`.
    public mutating func double(_ value: Double) {
        guard value.isFinite else { return null() }
        separate()
        bytes.append(contentsOf: value.description.utf8)
    }

    public mutating func bool(_ value: Bool) {
        literal(value ? "true" : "false")
    }

    public mutating func null() {
        literal("null")
    }

    /// Object keys are written in sorted order so the same value always gives the same bytes.
    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: null()
        case .bool(let b): bool(b)
        case .int(let i): int(i)
        case .double(let d): double(d)
        case .string(let s): string(s)
        case .array(let items):
            beginArray()
            for item in items { self.value(item) }
            endArray()
        case .object(let members):
            beginObject()
            if members.count == 1, let (name, member) = members.first {
                key(name)
                self.value(member)
            } else if !members.isEmpty {
                for name in members.keys.sorted() {
                    key(name)
                    self.value(members[name]!)
                }
            }
            endObject()
        }
    }

    /// Pre-encoded JSON text inserted as one value (the caller vouches it is valid JSON).
    public mutating func raw(_ json: [UInt8]) {
        let comma = takeComma()
        json.withUnsafeBufferPointer { appendToken(comma: comma, quoted: false, $0, colon: false) }
    }

    /// One value the caller appends straight into the buffer (it must be one complete JSON value), for hot values
    /// such as timestamps and ids that would otherwise become a `String` first.
    public mutating func raw(_ write: (inout [UInt8]) -> Void) {
        separate()
        write(&bytes)
    }

    // MARK: Internals

    /// Whether the value or key about to be written needs a `,` before it; notes that the one after will.
    @inline(__always)
    private mutating func takeComma() -> Bool {
        if needsComma { return true }
        // A value at the top level is never followed by another, so it needs no state.
        needsComma = depth > 0
        return false
    }

    private mutating func separate() {
        if takeComma() { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func open(_ bracket: UInt8) {
        if takeComma() {
            bytes.append(addingCapacity: 2) { out in
                out.append(UInt8(ascii: ","))
                out.append(bracket)
            }
        } else {
            bytes.append(bracket)
        }
        if depth < 64 {
            let bit: UInt64 = 1 << depth
            outerBits = needsComma ? outerBits | bit : outerBits & ~bit
        } else {
            deeper.append(needsComma)
        }
        depth += 1
        needsComma = false
    }

    private mutating func close(_ bracket: UInt8) {
        precondition(depth > 0, "JSONWriter: end of a container that was not begun")
        depth -= 1
        needsComma = depth < 64 ? outerBits & (1 << depth) != 0 : deeper.removeLast()
        bytes.append(bracket)
    }

    /// Writes `true`, `false` or `null`.
    private mutating func literal(_ text: StaticString) {
        let comma = takeComma()
        text.withUTF8Buffer { appendToken(comma: comma, quoted: false, $0, colon: false) }
    }

    /// Measures the escaped length first, so that the whole string is written with one capacity check and, when
    /// nothing needs escaping (nearly always), one copy.
    private mutating func writeString(_ value: String, comma: Bool, colon: Bool) {
        let written: Void? = value.utf8.withContiguousStorageIfAvailable { utf8 in
            writeString(utf8: utf8, comma: comma, colon: colon)
        }
        if written == nil {
            var value = value
            value.withUTF8 { writeString(utf8: $0, comma: comma, colon: colon) }
        }
    }

    private mutating func writeString(utf8: UnsafeBufferPointer<UInt8>, comma: Bool, colon: Bool) {
        let excess = Self.escapedExcess(utf8)
        guard excess > 0 else { return appendToken(comma: comma, quoted: true, utf8, colon: colon) }
        bytes.append(addingCapacity: utf8.count + excess + 4) { out in
            if comma { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            Self.appendEscaped(utf8, to: &out)
            out.append(UInt8(ascii: "\""))
            if colon { out.append(UInt8(ascii: ":")) }
        }
    }

    /// Appends `,` when `comma`, then `body` (between `"` when `quoted`), then `:` when `colon`, with one capacity
    /// check and one copy. Every key and nearly every scalar goes through here; being the one caller of
    /// `append(addingCapacity:)` on the hot path keeps that call specialized for it and its closure inlined.
    private mutating func appendToken(comma: Bool, quoted: Bool, _ body: UnsafeBufferPointer<UInt8>, colon: Bool) {
        bytes.append(addingCapacity: body.count + 4) { out in
            if comma { out.append(UInt8(ascii: ",")) }
            if quoted { out.append(UInt8(ascii: "\"")) }
            out.append(copying: body)
            if quoted { out.append(UInt8(ascii: "\"")) }
            if colon { out.append(UInt8(ascii: ":")) }
        }
    }

    /// How many bytes longer `utf8` is once escaped. A word at a time (two per step): a word none of whose bytes is
    /// below 0x20, `"` or `\\` (the usual case) is passed over without looking at its bytes one by one.
    private static func escapedExcess(_ utf8: UnsafeBufferPointer<UInt8>) -> Int {
        let raw = UnsafeRawBufferPointer(utf8)
        let count = utf8.count
        var excess = 0
        var index = 0
        while index &+ 16 <= count {
            let first = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            let second = raw.loadUnaligned(fromByteOffset: index &+ 8, as: UInt64.self)
            if escapeBits(first) | escapeBits(second) != 0 {
                for byte in utf8[index..<(index &+ 16)] { excess &+= escapedExcess(byte) }
            }
            index &+= 16
        }
        while index &+ 8 <= count {
            if escapeBits(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) != 0 {
                for byte in utf8[index..<(index &+ 8)] { excess &+= escapedExcess(byte) }
            }
            index &+= 8
        }
        // The last partial word: looked at as the last eight bytes when there are that many.
        if index < count, count < 8 || escapeBits(raw.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)) != 0 {
            for byte in utf8[index...] { excess &+= escapedExcess(byte) }
        }
        return excess
    }

    /// Non-zero when any byte of `word` is below 0x20, `"` or `\\`: the "has a byte less than" bit trick (a byte's
    /// high bit survives `(byte - n) & ~byte` only when it was below `n`, borrows only ever coming from a byte that
    /// was), for `word`, and for `word` with each byte xor-ed with `"` or `\\` (zero where it matched). Exact: zero
    /// for a word that needs no escaping.
    @inline(__always)
    private static func escapeBits(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let below = (word &- ones &* 0x20) | ((word ^ (ones &* 0x22)) &- ones) | ((word ^ (ones &* 0x5C)) &- ones)
        // `"` and `\\` have the high bit clear, so `~word` has the same high bits as the xor-ed words' complements.
        return below & ~word & (ones &* 0x80)
    }

    @inline(__always)
    private static func escapedExcess(_ byte: UInt8) -> Int {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x0A, 0x0D, 0x09: 1
        case ..<0x20: 5
        default: 0
        }
    }

    private static func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>, to out: inout OutputSpan<UInt8>) {
        for byte in utf8 {
            guard escapedExcess(byte) != 0 else {
                out.append(byte)
                continue
            }
            out.append(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
            case 0x0A: out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "t"))
            default:
                out.append(UInt8(ascii: "u"))
                out.append(UInt8(ascii: "0"))
                out.append(UInt8(ascii: "0"))
                out.append(hexDigit(byte >> 4))
                out.append(hexDigit(byte & 0x0F))
            }
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}

extension OutputSpan where Element == UInt8 {
    /// Copies `source` in one `memcpy`; traps if it does not fit in the capacity left.
    @inline(__always)
    fileprivate mutating func append(copying source: UnsafeBufferPointer<UInt8>) {
        withUnsafeMutableBufferPointer { buffer, count in
            let end = count + source.count
            precondition(end <= buffer.count, "JSONWriter: capacity reserved too small")
            _ = UnsafeMutableBufferPointer(rebasing: buffer[count..<end]).initialize(fromContentsOf: source)
            count = end
        }
    }
}
