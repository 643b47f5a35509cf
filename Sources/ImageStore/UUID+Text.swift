import Foundation

extension UUID {
    /// The canonical text form in lower case (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`): how ids are stored and how the
    /// API writes them. Built in one pass; `uuidString.lowercased()` costs two strings and Foundation's formatter.
    public var lowercasedText: String {
        String(unsafeUninitializedCapacity: 36) { writeLowercased(into: $0, quoted: false) }
    }

    /// Lends ``lowercasedText``'s bytes to `body` without making the string.
    func withLowercasedUTF8<R, E: Error>(_ body: (Span<UInt8>) throws(E) -> R) throws(E) -> R {
        try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 36) { out throws(E) in
            let count = writeLowercased(into: out, quoted: false)
            return try body(UnsafeBufferPointer(rebasing: out[0..<count]).span)
        }
    }

    /// Appends ``lowercasedText``'s bytes (in quotes when `quoted`) without making the string.
    public func appendLowercasedText(to bytes: inout [UInt8], quoted: Bool = false) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 38) { out in
            let count = writeLowercased(into: out, quoted: quoted)
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: out[0..<count]))
        }
    }

    /// Writes the text form (38 bytes with quotes, else 36) at the start of `out`, which has room; returns the count.
    private func writeLowercased(into out: UnsafeMutableBufferPointer<UInt8>, quoted: Bool) -> Int {
        var o = 0
        if quoted {
            out[o] = UInt8(ascii: "\"")
            o += 1
        }
        forEachLowercasedByte { byte in
            out[o] = byte
            o += 1
        }
        if quoted {
            out[o] = UInt8(ascii: "\"")
            o += 1
        }
        return o
    }

    private func forEachLowercasedByte(_ body: (UInt8) -> Void) {
        withUnsafeBytes(of: uuid) { raw in
            for i in 0..<16 {
                if i == 4 || i == 6 || i == 8 || i == 10 { body(UInt8(ascii: "-")) }
                body(UUIDText.hex[Int(raw[i] >> 4)])
                body(UUIDText.hex[Int(raw[i] & 0x0F)])
            }
        }
    }

    /// Parses exactly the canonical 36-character form (hex digits in either case, hyphens at 8, 13, 18 and 23),
    /// as `UUID(uuidString:)` does, without its `sscanf`.
    public init?(canonicalText text: String) {
        var text = text
        guard let parsed = text.withUTF8({ Self.parseCanonical($0.span) }) else { return nil }
        self.init(uuid: parsed)
    }

    /// ``init(canonicalText:)`` from the text's UTF-8 bytes.
    init?(canonicalUTF8 utf8: Span<UInt8>) {
        guard let parsed = Self.parseCanonical(utf8) else { return nil }
        self.init(uuid: parsed)
    }

    private static func parseCanonical(_ utf8: Span<UInt8>) -> uuid_t? {
        guard utf8.count == 36 else { return nil }
        var value: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let ok = withUnsafeMutableBytes(of: &value) { out -> Bool in
            var i = 0
            for index in 0..<16 {
                if i == 8 || i == 13 || i == 18 || i == 23 {
                    guard utf8[i] == UInt8(ascii: "-") else { return false }
                    i += 1
                }
                guard let high = UUIDText.nibble(utf8[i]), let low = UUIDText.nibble(utf8[i + 1]) else { return false }
                out[index] = high << 4 | low
                i += 2
            }
            return true
        }
        return ok ? value : nil
    }
}

private enum UUIDText {
    static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
