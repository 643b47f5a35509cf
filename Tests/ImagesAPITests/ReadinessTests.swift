import CloudflareEmulator
import CloudflareImages
import Foundation
import HTTPServer
import ImagesAPI
import JSON
import Logging
import TestSupport
import Testing

/// `GET /readyz`: database, migrations and a cached Cloudflare probe; 503 with reasons.
@Suite struct ReadinessTests {
    static func checks(_ response: TestResponse) -> [String: String] {
        (response.object?["checks"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
    }

    @Test func readyWithTheEmulatorUp() async throws {
        var logger = Logger(label: "readiness-emulator")
        logger.logLevel = .critical
        let directory = NSTemporaryDirectory() + "imagesapi-readyz-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let emulatorServer = HTTPServer(
            configuration: .init(host: "127.0.0.1", port: 0, eventLoopCount: 1, accessLog: false), logger: logger,
            handler: { _ in Response(status: .serviceUnavailable) })
        // The emulator needs its own origin before its router exists; a second server carries the router.
        try emulatorServer.start()
        await emulatorServer.shutdown()
        let emulator = try CloudflareEmulator(
            configuration: .init(
                accountID: "emu-account", apiToken: "emu-token", accountHash: "EmuHash", signingKey: "emu-key",
                dataDirectory: directory + "/emulator", publicBaseURL: "http://127.0.0.1:1/_emulator"),
            logger: logger)
        defer { emulator.close() }
        let router = emulator.makeRouter(mountPath: "/_emulator")
        let server = HTTPServer(
            configuration: .init(host: "127.0.0.1", port: 0, eventLoopCount: 1, accessLog: false), logger: logger,
            handler: router.respond)
        try server.start()
        let base = emulator.apiBaseURL.replacingOccurrences(of: "127.0.0.1:1", with: "127.0.0.1:\(server.localPort)")
        do {
            try await withOpsHarness(
                cloudflare: .init(accountID: "emu-account", apiToken: "emu-token", baseURL: base, maxAttempts: 1)
            ) { h in
                let response = try await h.send("GET", "/readyz")
                #expect(response.status == 200, "\(response.text)")
                #expect(
                    response.text
                        == #"{"status":"ok","checks":{"database":"ok","migrations":"ok","cloudflare":"ok"},"events":{"disabled_endpoints":[],"backlog":0}}"#
                )
                #expect(response.header("Content-Type") == "application/json")
                #expect(try await h.send("GET", "/readyz/").status == 200)
            }
        } catch {
            await server.shutdown()
            throw error
        }
        await server.shutdown()
    }

    @Test func unreachableCloudflareIs503() async throws {
        let refusing = try RefusingPort()
        defer { withExtendedLifetime(refusing) {} }
        let port = refusing.port
        try await withOpsHarness(
            cloudflare: .init(
                accountID: "acc", apiToken: "secret-token-value", baseURL: "http://127.0.0.1:\(port)/client/v4",
                maxAttempts: 1)
        ) { h in
            let response = try await h.send("GET", "/readyz")
            #expect(response.status == 503)
            #expect(response.object?.string("status") == "unavailable")
            #expect(Self.checks(response) == ["database": "ok", "migrations": "ok", "cloudflare": "unreachable"])
            #expect(!response.text.contains("secret-token-value"))
        }
    }

    @Test func pendingMigrationsAre503() async throws {
        let folder = NSTemporaryDirectory() + "imagesapi-migrations-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var latest = 0
        for file in try FileManager.default.contentsOfDirectory(atPath: TestPaths.migrations) {
            try FileManager.default.copyItem(atPath: TestPaths.migrations + "/" + file, toPath: folder + "/" + file)
            latest = max(latest, Int(file.prefix(while: \.isNumber)) ?? 0)
        }
        let next = String(format: "%04d_add_later", latest + 1)
        try "CREATE TABLE later (id INTEGER);\n".write(
            toFile: folder + "/\(next).sql", atomically: true, encoding: .utf8)
        try await withOpsHarness(migrations: folder) { h in
            let response = try await h.send("GET", "/readyz")
            #expect(response.status == 503)
            #expect(Self.checks(response) == ["database": "ok", "migrations": "pending: \(next)", "cloudflare": "ok"])
        }
    }

    @Test func cloudflareAuthenticationFailureIsNotReady() async throws {
        try await withOpsHarness { h in
            // The emulator refuses a wrong token with 403, as Cloudflare does; 401 only an injected fault gives.
            h.faults.inject(.status(401), for: .stats)
            let response = try await h.send("GET", "/readyz")
            #expect(response.status == 503)
            #expect(Self.checks(response)["cloudflare"] == "authentication failed (HTTP 401)")
        }
    }

    @Test func probeIsCachedBetweenChecks() async throws {
        try await withOpsHarness { h in
            for _ in 0..<3 {
                let status = try await h.send("GET", "/readyz").status
                #expect(status == 200)
            }
            #expect(h.faults.calls(.stats) == 1)
            // A failure appearing later is not seen until the cached answer ages out.
            h.faults.inject(.status(500), for: .stats)
            let later = try await h.send("GET", "/readyz").status
            #expect(later == 200)
        }
    }

    @Test func slowCloudflareIsATimeout() async throws {
        try await withOpsHarness(probeTimeout: .milliseconds(200)) { h in
            h.faults.inject(.hang(.seconds(1)), for: .stats)
            let response = try await h.send("GET", "/readyz")
            #expect(response.status == 503)
            #expect(Self.checks(response)["cloudflare"] == "timeout")
        }
    }

    @Test func verdicts() {
        #expect(ReadinessCheck.verdict(.rateLimited(retryAfter: nil, errors: [])) == .ok)
        #expect(ReadinessCheck.verdict(.upstream(status: 502, errors: [])) == .failed("upstream error (HTTP 502)"))
        #expect(ReadinessCheck.verdict(.clientError(status: 403, errors: [])) == .failed("rejected (HTTP 403)"))
        #expect(ReadinessCheck.verdict(.timeout) == .failed("timeout"))
    }
}

/// An instance serving the built-in emulator says so in `/readyz`, and is still ready.
@Suite struct ReadinessEmulatorTests {
    @Test func theEmbeddedEmulatorIsReportedAsSuch() async throws {
        let service = try await EmulatorService.start()
        try await running(service) { s in
            let client = try CloudflareClient(
                configuration: .init(
                    accountID: "emu-account", apiToken: "emu-token", baseURL: s.emulator.apiBaseURL, maxAttempts: 1),
                httpClient: sharedHTTPClient)
            let emulated = await ReadinessCheck(
                repository: s.fixture.repository, migrator: nil, cloudflare: client, cloudflareIsEmulator: true
            ).run()
            #expect(emulated.isReady)
            #expect(emulated.checks.first { $0.name == "cloudflare" }?.result.description == "emulator")
            let real = await ReadinessCheck(repository: s.fixture.repository, migrator: nil, cloudflare: client).run()
            #expect(real.checks.first { $0.name == "cloudflare" }?.result == .ok)
        }
    }
}
