import Foundation
import Glibc

/// Which URLs an event endpoint may have: `http` or `https` with a host that resolves only to globally reachable
/// addresses (no private, loopback, link-local, CGNAT, unique-local, multicast or unspecified ones), unless
/// `CFIMAGES_EVENTS_ALLOW_PRIVATE_URLS` allows them.
struct EventURLPolicy: Sendable {
    static let maxLength = 2_048

    let allowPrivate: Bool

    /// Why `url` is refused, or nil when it is accepted. May resolve the host (blocking, once per call).
    func refusal(_ url: String) -> String? {
        guard url.utf8.count <= Self.maxLength else {
            return "Ensure this field has no more than \(Self.maxLength) characters."
        }
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty,
            components.user == nil, components.password == nil
        else { return "Enter a valid http or https URL." }
        if allowPrivate { return nil }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let addresses = Self.resolve(bare)
        guard !addresses.isEmpty else { return "The host \(host) cannot be resolved." }
        if addresses.contains(where: { !Self.isPublic($0) }) {
            return
                "The URL points at a private, loopback or link-local address; set CFIMAGES_EVENTS_ALLOW_PRIVATE_URLS to allow it."
        }
        return nil
    }

    /// The addresses `host` resolves to (4 or 16 bytes each); a literal address is itself.
    static func resolve(_ host: String) -> [[UInt8]] {
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return [withUnsafeBytes(of: &v4) { Array($0) }] }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 { return [withUnsafeBytes(of: &v6) { Array($0) }] }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0 else { return [] }
        defer { freeaddrinfo(list) }
        var result: [[UInt8]] = []
        var cursor = list
        while let entry = cursor {
            if let address = entry.pointee.ai_addr {
                switch Int32(address.pointee.sa_family) {
                case AF_INET:
                    address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                        var a = sin.pointee.sin_addr
                        result.append(withUnsafeBytes(of: &a) { Array($0) })
                    }
                case AF_INET6:
                    address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin6 in
                        var a = sin6.pointee.sin6_addr
                        result.append(withUnsafeBytes(of: &a) { Array($0) })
                    }
                default: break
                }
            }
            cursor = entry.pointee.ai_next
        }
        return result
    }

    /// Whether a 4- or 16-byte address is globally reachable unicast.
    static func isPublic(_ b: [UInt8]) -> Bool {
        if b.count == 4 {
            switch (b[0], b[1]) {
            case (0, _), (10, _), (127, _), (169, 254), (192, 168): return false
            case (100, 64...127), (172, 16...31): return false
            case (224..., _): return false
            default: return true
            }
        }
        guard b.count == 16 else { return false }
        if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xFF && b[11] == 0xFF { return isPublic(Array(b[12..<16])) }
        if b[0..<15].allSatisfy({ $0 == 0 }) { return false }  // :: and ::1
        if b[0] == 0xFF || b[0] & 0xFE == 0xFC || (b[0] == 0xFE && b[1] & 0xC0 == 0x80) { return false }
        return true
    }
}
