import Base16

/// Percent-encoding of path segments (RFC 3986 `pchar`): unreserved characters, sub-delimiters, `:` and `@` stay
/// as they are, so option strings (`w=300,h=200`) are untouched while `?`, `#`, `%`, spaces and non-ASCII are encoded.
enum PathSegment {
    private static let allowed: Set<UInt8> = Set(
        Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@".utf8)
    )
    private static let hex: [UInt8] = Array("0123456789ABCDEF".utf8)

    static func encode(_ segment: String) -> String {
        var out: [UInt8] = []
        for byte in segment.utf8 {
            if allowed.contains(byte) {
                out.append(byte)
            } else {
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `%XX` escapes; `nil` for a broken escape or bytes that are not UTF-8.
    static func decode(_ segment: some StringProtocol) -> String? {
        var rest = Array(segment.utf8)[...]
        var out: [UInt8] = []
        while let percent = rest.firstIndex(of: UInt8(ascii: "%")) {
            out += rest[..<percent]
            let escape = rest[(percent + 1)...].prefix(2)
            guard escape.count == 2, let high = Hex.value(ofDigit: escape[percent + 1]),
                let low = Hex.value(ofDigit: escape[percent + 2])
            else { return nil }
            out.append(high << 4 | low)
            rest = rest[(percent + 3)...]
        }
        out += rest
        return String(validating: out, as: UTF8.self)
    }

    static func hasControlCharacters(_ s: String) -> Bool {
        s.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }
}
