import CloudflareEmulator
import CloudflareImages
import Configuration
import Foundation
import HTTPClient
import HTTPServer
import ImageStore
import ImagesAPI
import JSON
import Logging
import SQLite
import TestSupport

/// The whole service over loopback, like ``APIHarness``, but with the Cloudflare emulator mounted at `/_emulator` as
/// its account (as `cfimages serve` runs without one), every service-side logger (API, server with its access log,
/// emulator, Cloudflare client and its HTTP client) writing at trace level into one ``LogCapture``, and every secret
/// the service holds a distinct, greppable value.
final class HostileHarness: FixtureHarness {
    let fixture: ServiceFixture
    let api: ImagesAPI
    let logs: LogCapture
    let clock: TestClock
    let cloudflareHTTP: HTTPClient

    static let webhookSecret = "whsec-HOSTILE-5b1c"
    static let cloudflareAPIToken = "cf-api-token-HOSTILE-77aa"
    static let signingKey = "signing-key-HOSTILE-9f3e"

    private init(
        fixture: ServiceFixture, api: ImagesAPI, logs: LogCapture, clock: TestClock, cloudflareHTTP: HTTPClient
    ) {
        self.fixture = fixture
        self.api = api
        self.logs = logs
        self.clock = clock
        self.cloudflareHTTP = cloudflareHTTP
    }

    static func start(tokenCacheTTL: Duration = .zero) async throws -> HostileHarness {
        let logs = LogCapture()
        let clock = TestClock()
        let fixture = try await ServiceFixture.start(
            logger: logs.logger("cfimages.http"), clock: clock, accessLog: true,
            emulator: .init(
                account: EmulatorAccount(
                    accountID: "hostile-account", apiToken: cloudflareAPIToken, accountHash: "HostileHash",
                    signingKey: signingKey)))
        guard let emulator = fixture.emulator else { throw HarnessError("the fixture started no emulator") }
        var settings = fixture.emulatorSettings(webhookSecret: webhookSecret)
        settings.accountID = emulator.configuration.accountID
        settings.apiToken = cloudflareAPIToken
        settings.signingKey = signingKey
        // Hundreds of uploads per test by one user: the per-user share of Cloudflare calls is not under test here.
        settings.cloudflareCallsPerUser = 100_000
        let cloudflareHTTP = try HTTPClient(logger: logs.logger("cfimages.http-client"))
        let cloudflare = try CloudflareClient(
            configuration: .init(
                accountID: emulator.configuration.accountID, apiToken: cloudflareAPIToken, baseURL: emulator.apiBaseURL,
                maxAttempts: 1),
            httpClient: cloudflareHTTP,
            logger: logs.logger("cfimages.cloudflare"))
        let api = ImagesAPI(
            settings: settings, repository: fixture.repository, cloudflare: cloudflare,
            logger: logs.logger("cfimages.api"),
            now: { clock.now }, tokenCacheTTL: tokenCacheTTL)
        fixture.serve(api)
        return HostileHarness(
            fixture: fixture, api: api, logs: logs, clock: clock, cloudflareHTTP: cloudflareHTTP)
    }

    var port: Int { server.localPort }

    /// A new token's key, labelled "hostile".
    func token(_ user: String, admin: Bool = false) async throws -> String {
        try await fixture.token(user, admin: admin, label: "hostile")
    }

    /// Sends `body` bytes to `path` under the prefix (unless `path` starts with `/`). The path is sent as given:
    /// percent-escapes and all.
    func send(
        _ method: String, _ path: String, token: String? = nil, json: String? = nil, body: [UInt8]? = nil,
        contentType: String? = nil, headers: [(String, String)] = []
    ) async throws -> TestResponse {
        try await sendRequest(
            method, fixture.url(path), token: token, json: json, body: body,
            bodyType: contentType ?? "application/json", headers: headers)
    }

    /// A pending image owned by the token's user; returns (id, cloudflare id).
    func upload(_ token: String, _ json: String = "{}") async throws -> (id: String, cloudflareID: String) {
        let response = try await send("POST", "api/upload-url/", token: token, json: json)
        guard response.status == 201, let object = response.object, let id = object.string("id"),
            let cloudflareID = object.string("cloudflare_id")
        else { throw HarnessError("upload-url answered \(response.status): \(response.text)") }
        return (id, cloudflareID)
    }

    /// Every stored image, log row and webhook event, to compare before and after a rejected request.
    func snapshot() async throws -> StoreSnapshot {
        try await database.readSnapshot { connection in
            StoreSnapshot(
                images: try connection.query("SELECT * FROM images ORDER BY id"),
                logs: try connection.query("SELECT * FROM image_upload_logs ORDER BY id"),
                events: try connection.query("SELECT * FROM webhook_events ORDER BY event_key"))
        }
    }
}

struct StoreSnapshot: Sendable, Equatable {
    var images: [Row]
    var logs: [Row]
    var events: [Row]
}

/// Runs `body` on a fresh hostile harness and always shuts it down.
func withHostileHarness(tokenCacheTTL: Duration = .zero, _ body: (HostileHarness) async throws -> Void) async throws {
    try await running(try await HostileHarness.start(tokenCacheTTL: tokenCacheTTL), body)
}
