import Base16

/// Percent-decoding of URL components. Invalid escapes are kept literally; invalid UTF-8 is repaired, never a crash.
public enum PercentDecoding {
    public static func decode(_ text: Substring, plusAsSpace: Bool = false) -> String {
        var contiguous = text
        let plain = contiguous.withUTF8 { bytes in
            !bytes.contains { $0 == UInt8(ascii: "%") || (plusAsSpace && $0 == UInt8(ascii: "+")) }
        }
        if plain { return String(text) }
        let utf8 = text.utf8
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var i = utf8.startIndex
        while i != utf8.endIndex {
            let byte = utf8[i]
            if byte == UInt8(ascii: "%"),
                let h1 = utf8.index(i, offsetBy: 1, limitedBy: utf8.endIndex), h1 != utf8.endIndex,
                let h2 = utf8.index(h1, offsetBy: 1, limitedBy: utf8.endIndex), h2 != utf8.endIndex,
                let hi = Hex.value(ofDigit: utf8[h1]), let lo = Hex.value(ofDigit: utf8[h2])
            {
                bytes.append(hi << 4 | lo)
                i = utf8.index(after: h2)
                continue
            }
            bytes.append(plusAsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            i = utf8.index(after: i)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func decode(_ text: String, plusAsSpace: Bool = false) -> String {
        decode(text[...], plusAsSpace: plusAsSpace)
    }

    /// Raw UTF-8 bytes decoded, as `decode(_:)` does; text without a `%` is copied as is.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard let first = bytes.firstIndex(of: UInt8(ascii: "%")) else { return String(decoding: bytes, as: UTF8.self) }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        decoded.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[..<first]))
        var i = first
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count,
                let hi = Hex.value(ofDigit: bytes[i + 1]), let lo = Hex.value(ofDigit: bytes[i + 2])
            {
                decoded.append(hi << 4 | lo)
                i += 3
            } else {
                decoded.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: decoded, as: UTF8.self)
    }
}
