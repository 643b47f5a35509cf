import Foundation
import HTTPClient

/// Where `POST v1` with a `url` connects: the URL's host resolved once, every address checked against
/// ``AddressPolicy``, and one of them chosen for the connection to be pinned to, so a later DNS answer
/// (rebinding) cannot move it elsewhere.
struct FetchTarget: Sendable, Equatable {
    let host: String
    let port: Int
    let address: IPAddress

    var connectTarget: HTTPClientRequest.ConnectTarget {
        HTTPClientRequest.ConnectTarget(address: address.description, port: port)
    }

    /// Parses and resolves `url`. Unless `allowPrivate`, refuses a host that is `localhost` or resolves to any
    /// address in a special-purpose range. Prefers an IPv4 address when the host has both kinds.
    static func resolve(
        _ url: String, allowPrivate: Bool,
        resolver: @Sendable (String) async -> [IPAddress] = HostResolver.addresses(of:)
    ) async throws(EmulatorError) -> FetchTarget {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(),
            scheme == "http" || scheme == "https",
            var host = parsed.host, !host.isEmpty
        else {
            throw EmulatorError.badRequest("url must be an absolute http or https URL")
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let port = parsed.port ?? (scheme == "https" ? 443 : 80)
        guard (1...65535).contains(port) else { throw EmulatorError.badRequest("url has an invalid port") }

        let addresses: [IPAddress]
        if let literal = IPAddress(literal: host) {
            addresses = [literal]
        } else {
            var name = host.lowercased()
            while name.hasSuffix(".") { name.removeLast() }
            guard !name.isEmpty else { throw EmulatorError.badRequest("url must be an absolute http or https URL") }
            // RFC 6761 section 6.3: localhost names are loopback whatever a resolver says.
            if !allowPrivate, name == "localhost" || name.hasSuffix(".localhost") { throw EmulatorError.urlNotPublic }
            addresses = await resolver(name)
            guard !addresses.isEmpty else { throw EmulatorError.badRequest("url host could not be resolved") }
        }
        if !allowPrivate, !addresses.allSatisfy(AddressPolicy.allows) { throw EmulatorError.urlNotPublic }
        guard let chosen = addresses.first(where: \.isIPv4) ?? addresses.first else {
            throw EmulatorError.badRequest("url host could not be resolved")
        }
        return FetchTarget(host: host, port: port, address: chosen)
    }
}
