#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IPv4 (4 bytes) or IPv6 (16 bytes) address, in network byte order.
struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    let bytes: [UInt8]

    init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    var isIPv4: Bool { bytes.count == 4 }

    /// Parses a URL host that is an address literal, in every spelling a resolver or libcurl would also accept:
    /// IPv6 with or without brackets (a `%zone` is dropped), and IPv4 in `inet_aton` notation, i.e. one to four
    /// parts, each decimal, octal (`0` prefix) or hex (`0x` prefix), the last filling the remaining bytes
    /// (`2130706433`, `0x7f.1`, `017700000001`, `127.1`), with one trailing dot allowed. Nil for host names.
    init?(literal: String) {
        var text = Substring(literal)
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        if text.contains(":") {
            guard let bytes = Self.parseIPv6(String(text.prefix { $0 != "%" })) else { return nil }
            self.bytes = bytes
        } else {
            guard let bytes = Self.parseIPv4(text) else { return nil }
            self.bytes = bytes
        }
    }

    /// The IPv4 address in the last four bytes (for IPv4-mapped and other embedding prefixes).
    var lastFourBytes: IPAddress? { IPAddress(bytes: Array(bytes.suffix(4))) }

    /// Canonical text: dotted quad, or RFC 5952 IPv6 as `inet_ntop` writes it.
    var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = isIPv4 ? AF_INET : AF_INET6
        let written = bytes.withUnsafeBytes { raw in
            inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count))
        }
        guard written != nil else { return bytes.map { String($0) }.joined(separator: ".") }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func parseIPv6(_ text: String) -> [UInt8]? {
        var storage = in6_addr()
        guard inet_pton(AF_INET6, text, &storage) == 1 else { return nil }
        return withUnsafeBytes(of: &storage) { Array($0) }
    }

    private static func parseIPv4(_ text: Substring) -> [UInt8]? {
        var parts = text.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count > 1, parts.last?.isEmpty == true { parts.removeLast() }
        guard (1...4).contains(parts.count) else { return nil }
        var values: [UInt64] = []
        for part in parts {
            guard let value = parseIPv4Part(part) else { return nil }
            values.append(value)
        }
        let leading = values.dropLast()
        guard leading.allSatisfy({ $0 <= 255 }), let last = values.last else { return nil }
        let tailBytes = 5 - values.count
        guard last < (UInt64(1) << (8 * UInt64(tailBytes))) else { return nil }
        var bytes = leading.map { UInt8($0) }
        for shift in stride(from: tailBytes - 1, through: 0, by: -1) {
            bytes.append(UInt8(truncatingIfNeeded: last >> (8 * UInt64(shift))))
        }
        return bytes
    }

    /// One `inet_aton` part; nil when it is not a number (so the host is a name) or is absurdly long.
    private static func parseIPv4Part(_ part: Substring) -> UInt64? {
        var digits = part
        var radix: UInt64 = 10
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            radix = 16
            digits = digits.dropFirst(2)
            if digits.isEmpty { return 0 }
        } else if digits.count > 1, digits.hasPrefix("0") {
            radix = 8
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.count <= 32 else { return nil }
        var value: UInt64 = 0
        for character in digits {
            guard let digit = character.hexDigitValue, UInt64(digit) < radix else { return nil }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: radix)
            guard !overflow, shifted <= UInt64(UInt32.max) else { return nil }
            value = shifted + UInt64(digit)
        }
        return value
    }
}
