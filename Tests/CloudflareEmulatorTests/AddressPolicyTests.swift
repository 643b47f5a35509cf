import HTTPClient
import Testing

@testable import CloudflareEmulator

@Suite struct AddressPolicyTests {
    typealias Range = AddressPolicy.Range

    /// One or more addresses per range (edges included), and public neighbours of each range (nil).
    static let table: [(String, Range?)] = [
        // IPv4, RFC 1122 / 1918 / 6598 / 3927 / 5737 / 2544 / 5771 / 919 / 1112
        ("0.0.0.0", .unspecified), ("0.255.255.255", .unspecified), ("1.0.0.0", nil),
        ("10.0.0.0", .privateUse), ("10.255.255.255", .privateUse), ("11.0.0.0", nil), ("9.255.255.255", nil),
        ("100.63.255.255", nil), ("100.64.0.0", .sharedAddressSpace), ("100.127.255.255", .sharedAddressSpace),
        ("100.128.0.0", nil),
        ("127.0.0.1", .loopback), ("127.255.255.254", .loopback), ("128.0.0.0", nil),
        ("169.254.0.0", .linkLocal), ("169.254.169.254", .linkLocal), ("169.255.0.0", nil), ("169.253.255.255", nil),
        ("172.15.255.255", nil), ("172.16.0.0", .privateUse), ("172.31.255.255", .privateUse), ("172.32.0.0", nil),
        ("192.0.0.8", .reserved), ("192.0.2.1", .documentation), ("192.88.99.1", .reserved),
        ("192.167.255.255", nil), ("192.168.0.0", .privateUse), ("192.168.255.255", .privateUse), ("192.169.0.0", nil),
        ("198.17.255.255", nil), ("198.18.0.0", .benchmarking), ("198.19.255.255", .benchmarking), ("198.20.0.0", nil),
        ("198.51.100.7", .documentation), ("203.0.113.9", .documentation),
        ("223.255.255.255", nil), ("224.0.0.1", .multicast), ("239.255.255.255", .multicast),
        ("240.0.0.1", .reserved), ("255.255.255.254", .reserved), ("255.255.255.255", .broadcast),
        ("8.8.8.8", nil), ("1.1.1.1", nil), ("104.16.0.1", nil),
        // IPv6, RFC 4291 / 4193 / 3879 / 3849 / 6052 / 3056 / 6666 / 4380
        ("::", .unspecified), ("::1", .loopback), ("::2", .reserved), ("::127.0.0.1", .reserved),
        ("::ffff:127.0.0.1", .loopback), ("::ffff:7f00:1", .loopback), ("::ffff:10.0.0.1", .privateUse),
        ("::ffff:169.254.169.254", .linkLocal), ("::ffff:0.0.0.0", .unspecified), ("::ffff:8.8.8.8", nil),
        ("64:ff9b::127.0.0.1", .loopback), ("64:ff9b::8.8.8.8", nil), ("64:ff9b:1::1", .reserved),
        ("2002:7f00:1::", .loopback), ("2002:a9fe:a9fe::1", .linkLocal), ("2002:808:808::1", nil),
        ("100::1", .reserved), ("2001::1", .reserved), ("2001:db8::1", .documentation), ("3fff::1", .documentation),
        ("fc00::", .uniqueLocal), ("fd12:3456:789a::1", .uniqueLocal), ("fdff:ffff::1", .uniqueLocal),
        ("fe80::1", .linkLocal), ("febf:ffff::1", .linkLocal), ("fec0::1", .siteLocal), ("feff::1", .siteLocal),
        ("ff02::1", .multicast), ("ff05::fb", .multicast), ("fb00::1", .reserved), ("4000::1", .reserved),
        ("2606:4700::1111", nil), ("2a00:1450:4001::1", nil), ("3ffe::1", nil),
    ]

    @Test func classifiesFromTheRFCs() throws {
        for (text, expected) in Self.table {
            let address = try #require(IPAddress(literal: text), "\(text) parses")
            #expect(AddressPolicy.range(of: address) == expected, "\(text)")
            #expect(AddressPolicy.allows(address) == (expected == nil), "\(text)")
        }
    }

    /// Every notation a resolver or libcurl accepts reads as the same address.
    static let literals: [(String, String?)] = [
        ("127.0.0.1", "127.0.0.1"), ("127.0.0.1.", "127.0.0.1"), ("127.1", "127.0.0.1"), ("127.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"), ("0x7f000001", "127.0.0.1"), ("0X7F.1", "127.0.0.1"), ("0x7f.0.0.1", "127.0.0.1"),
        ("017700000001", "127.0.0.1"), ("0177.0.0.01", "127.0.0.1"), ("0", "0.0.0.0"), ("0x", "0.0.0.0"),
        ("4294967295", "255.255.255.255"), ("0xa9.0xfe.0xa9.0xfe", "169.254.169.254"), ("[::1]", "::1"),
        ("::FFFF:127.0.0.1", "::ffff:127.0.0.1"), ("[::ffff:7f00:1]", "::ffff:127.0.0.1"), ("fe80::1%eth0", "fe80::1"),
        // Host names, and numbers no resolver reads as an address.
        ("example.com", nil), ("localhost", nil), ("4294967296", nil), ("256.0.0.1", nil), ("1.2.3.4.5", nil),
        ("08.0.0.1", nil), ("0x1g.0.0.1", nil), ("1..1", nil), ("", nil), (".", nil), ("1.2.3.256", nil),
        ("1.0x1000000", nil), ("::ffff:1.2.3", nil), ("[::1", nil),
    ]

    @Test func parsesEveryLiteralSpelling() {
        for (text, expected) in Self.literals {
            #expect(IPAddress(literal: text)?.description == expected, "\(text)")
        }
    }

    @Test func everyResolvedAddressIsChecked() async throws {
        let mixed: @Sendable (String) async -> [IPAddress] = { _ in
            [IPAddress(literal: "93.184.216.34"), IPAddress(literal: "10.0.0.5")].compactMap { $0 }
        }
        await #expect(throws: EmulatorError.urlNotPublic) {
            _ = try await FetchTarget.resolve("http://rebind.example/a.png", allowPrivate: false, resolver: mixed)
        }
        let allowed = try await FetchTarget.resolve("http://rebind.example/a.png", allowPrivate: true, resolver: mixed)
        #expect(allowed.address.description == "93.184.216.34" && allowed.port == 80)

        let public6: @Sendable (String) async -> [IPAddress] = { _ in
            [IPAddress(literal: "2606:2800:220:1::1"), IPAddress(literal: "93.184.216.34")].compactMap { $0 }
        }
        let target = try await FetchTarget.resolve(
            "https://images.example:8443/x", allowPrivate: false, resolver: public6)
        #expect(target.connectTarget == .init(address: "93.184.216.34", port: 8443))

        let nothing: @Sendable (String) async -> [IPAddress] = { _ in [] }
        await #expect(throws: EmulatorError.self) {
            _ = try await FetchTarget.resolve("http://unresolvable.example/", allowPrivate: false, resolver: nothing)
        }
    }
}
