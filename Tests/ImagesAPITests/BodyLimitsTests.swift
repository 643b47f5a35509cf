import Foundation
import HTTPServer
import ImagesAPI
import TestSupport
import Testing

/// The body limits `serve` gives the server, by route, and that they apply before a body is read.
@Suite struct BodyLimitsTests {
    static let limits = ImagesAPI.BodyLimits(pathPrefix: "/cloudflare-images", emulatorMountPath: "/_emulator")

    static let json = 1 << 20
    static let upload = (10 << 20) + (64 << 10)
    static let cases: [(method: String, path: String, limit: Int)] = [
        ("POST", "/cloudflare-images/api/upload-url/", json),
        ("PATCH", "/cloudflare-images/api/images/x/", json),
        ("POST", "/cloudflare-images/api/webhook/", json),
        ("POST", "/_emulator/upload/tok", upload),
        ("POST", "/_emulator/client/v4/accounts/a/images/v1", upload),
        ("PUT", "/_emulator/upload/tok", json),
        ("POST", "/%5Femulator/upload/tok", json),
        ("POST", "/_emulator/upload/tok/extra", json),
        ("POST", "/elsewhere", json),
    ]

    @Test func limitByRoute() {
        for (method, path, limit) in Self.cases {
            #expect(Self.limits.limit(HTTPMethod(rawValue: method), path) == limit, "\(method) \(path)")
        }
    }

    @Test func overTheLimitIs413BeforeTheBodyIsSent() async throws {
        try await withHarness { h in
            let key = try await h.token("alice")
            for (path, declared) in [
                ("api/upload-url/", (1 << 20) + 1), ("api/webhook/", (1 << 20) + 1), ("api/images/", 50 << 20),
            ] {
                let head = RawClient.request(
                    Array("POST /cloudflare-images/\(path) HTTP/1.1".utf8),
                    headers: [
                        Array("Authorization: Token \(key)".utf8), Array("Content-Type: application/json".utf8),
                        Array("Content-Length: \(declared)".utf8),
                    ])
                let reply = try await RawClient.exchange(port: h.server.localPort, head)
                // Had the server waited for the body, the client would have timed out with no answer (status 0).
                #expect(reply.status == 413, "\(path): \(reply.head)")
            }
        }
    }
}
