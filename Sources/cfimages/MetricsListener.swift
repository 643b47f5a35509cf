import Foundation
import HTTPServer
import ImagesAPI
import Logging

/// The optional second listener of `serve` (`CFIMAGES_METRICS_ADDRESS`): `GET /metrics` without auth, nothing else.
enum MetricsListener {
    /// Binds `address` (`host:port`, IPv6 hosts in brackets) and serves `responder`; the caller shuts it down.
    static func start(address: String, responder: Responder, logger: Logger) throws -> HTTPServer {
        let (host, port) = split(address)
        let server = HTTPServer(
            configuration: .init(host: host, port: port, eventLoopCount: 1, maxConnections: 64, accessLog: false),
            logger: logger, responder: responder)
        do {
            try server.start()
        } catch {
            throw CommandFailure("Cannot listen for metrics on \(address): \(error)")
        }
        return server
    }

    /// `host:port` (already checked by Settings) into its parts; `[::1]:9100` gives `::1`.
    static func split(_ address: String) -> (host: String, port: Int) {
        let colon = address.lastIndex(of: ":")!
        var host = String(address[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, Int(address[address.index(after: colon)...]) ?? 0)
    }
}
