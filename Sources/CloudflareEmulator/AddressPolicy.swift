/// Which addresses the emulator may fetch `POST v1` URLs from: globally reachable unicast only.
///
/// The ranges come from the IANA special-purpose address registries (RFC 6890) and the RFCs that define them.
/// Addresses embedding an IPv4 address (IPv4-mapped, NAT64, 6to4) are judged by the embedded address.
enum AddressPolicy {
    /// A special-purpose range; an address in none of them is fetchable.
    enum Range: String, Sendable, CaseIterable {
        case unspecified = "unspecified"
        case loopback = "loopback"
        case privateUse = "private-use"
        case sharedAddressSpace = "shared address space"
        case linkLocal = "link-local"
        case uniqueLocal = "unique local"
        case siteLocal = "site-local"
        case multicast = "multicast"
        case broadcast = "broadcast"
        case documentation = "documentation"
        case benchmarking = "benchmarking"
        case reserved = "reserved"
    }

    /// Whether the emulator may connect to `address`.
    static func allows(_ address: IPAddress) -> Bool { range(of: address) == nil }

    /// The special-purpose range `address` lies in, or nil for a globally reachable unicast address.
    static func range(of address: IPAddress) -> Range? {
        if address.isIPv4 { return match(address.bytes, in: ipv4Table) }
        let bytes = address.bytes
        for prefix in ipv6Embedding where hasPrefix(bytes, prefix.bytes, bits: prefix.bits) {
            guard let embedded = IPAddress(bytes: Array(bytes[prefix.offset..<(prefix.offset + 4)])) else {
                return .reserved
            }
            return range(of: embedded)
        }
        if let range = match(bytes, in: ipv6Table) { return range }
        // Only 2000::/3 is allocated for global unicast (RFC 4291 section 2.4); the rest is reserved by the IETF.
        return bytes[0] & 0xE0 == 0x20 ? nil : .reserved
    }

    private struct Prefix {
        let bytes: [UInt8]
        let bits: Int
        let range: Range
    }

    /// IPv4 special-purpose blocks; the first match wins (255.255.255.255 before 240.0.0.0/4).
    private static let ipv4Table: [Prefix] = [
        Prefix(bytes: [0, 0, 0, 0], bits: 8, range: .unspecified),  // "this network", RFC 1122 3.2.1.3
        Prefix(bytes: [10, 0, 0, 0], bits: 8, range: .privateUse),  // RFC 1918
        Prefix(bytes: [100, 64, 0, 0], bits: 10, range: .sharedAddressSpace),  // CGNAT, RFC 6598
        Prefix(bytes: [127, 0, 0, 0], bits: 8, range: .loopback),  // RFC 1122 3.2.1.3
        Prefix(bytes: [169, 254, 0, 0], bits: 16, range: .linkLocal),  // RFC 3927 (cloud metadata lives here)
        Prefix(bytes: [172, 16, 0, 0], bits: 12, range: .privateUse),  // RFC 1918
        Prefix(bytes: [192, 0, 0, 0], bits: 24, range: .reserved),  // IETF protocol assignments, RFC 6890
        Prefix(bytes: [192, 0, 2, 0], bits: 24, range: .documentation),  // TEST-NET-1, RFC 5737
        Prefix(bytes: [192, 88, 99, 0], bits: 24, range: .reserved),  // 6to4 relay anycast, RFC 7526
        Prefix(bytes: [192, 168, 0, 0], bits: 16, range: .privateUse),  // RFC 1918
        Prefix(bytes: [198, 18, 0, 0], bits: 15, range: .benchmarking),  // RFC 2544
        Prefix(bytes: [198, 51, 100, 0], bits: 24, range: .documentation),  // TEST-NET-2, RFC 5737
        Prefix(bytes: [203, 0, 113, 0], bits: 24, range: .documentation),  // TEST-NET-3, RFC 5737
        Prefix(bytes: [224, 0, 0, 0], bits: 4, range: .multicast),  // RFC 5771
        Prefix(bytes: [255, 255, 255, 255], bits: 32, range: .broadcast),  // limited broadcast, RFC 919
        Prefix(bytes: [240, 0, 0, 0], bits: 4, range: .reserved),  // RFC 1112
    ]

    /// IPv6 prefixes that carry an IPv4 address at `offset`, which decides.
    private static let ipv6Embedding: [(bytes: [UInt8], bits: Int, offset: Int)] = [
        (v6([0, 0, 0, 0, 0, 0xFFFF]), 96, 12),  // IPv4-mapped ::ffff:0:0/96, RFC 4291 2.5.5.2
        (v6([0x64, 0xFF9B, 0, 0, 0, 0]), 96, 12),  // NAT64 well-known prefix 64:ff9b::/96, RFC 6052
        (v6([0x2002]), 16, 2),  // 6to4 2002::/16, RFC 3056
    ]

    /// IPv6 special-purpose blocks, checked after the embeddings; the first match wins.
    private static let ipv6Table: [Prefix] = [
        Prefix(bytes: v6([]), bits: 128, range: .unspecified),  // ::/128, RFC 4291 2.5.2
        Prefix(bytes: v6([0, 0, 0, 0, 0, 0, 0, 1]), bits: 128, range: .loopback),  // ::1/128, RFC 4291 2.5.3
        Prefix(bytes: v6([]), bits: 8, range: .reserved),  // ::/8 incl. IPv4-compatible, RFC 4291
        Prefix(bytes: v6([0x64, 0xFF9B, 1]), bits: 48, range: .reserved),  // local-use NAT64, RFC 8215
        Prefix(bytes: v6([0x100]), bits: 64, range: .reserved),  // discard-only, RFC 6666
        Prefix(bytes: v6([0x2001, 0]), bits: 32, range: .reserved),  // Teredo, RFC 4380
        Prefix(bytes: v6([0x2001, 0xDB8]), bits: 32, range: .documentation),  // RFC 3849
        Prefix(bytes: v6([0x3FFF]), bits: 20, range: .documentation),  // RFC 9637
        Prefix(bytes: v6([0xFC00]), bits: 7, range: .uniqueLocal),  // fc00::/7 (fd00::/8 in use), RFC 4193
        Prefix(bytes: v6([0xFE80]), bits: 10, range: .linkLocal),  // RFC 4291 2.5.6
        Prefix(bytes: v6([0xFEC0]), bits: 10, range: .siteLocal),  // deprecated, RFC 3879
        Prefix(bytes: v6([0xFF00]), bits: 8, range: .multicast),  // RFC 4291 2.7
    ]

    /// 16 bytes from leading 16-bit groups, zero-filled.
    private static func v6(_ groups: [UInt16]) -> [UInt8] {
        var bytes = groups.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        bytes += [UInt8](repeating: 0, count: 16 - bytes.count)
        return bytes
    }

    private static func match(_ bytes: [UInt8], in table: [Prefix]) -> Range? {
        table.first { hasPrefix(bytes, $0.bytes, bits: $0.bits) }?.range
    }

    private static func hasPrefix(_ bytes: [UInt8], _ prefix: [UInt8], bits: Int) -> Bool {
        guard bytes.count == prefix.count else { return false }
        var remaining = bits
        for index in bytes.indices where remaining > 0 {
            let take = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - take))
            guard bytes[index] & mask == prefix[index] & mask else { return false }
            remaining -= take
        }
        return true
    }
}
