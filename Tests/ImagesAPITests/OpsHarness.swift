import CloudflareEmulator
import CloudflareImages
import Configuration
import Foundation
import HTTPClient
import HTTPServer
import ImageStore
import ImagesAPI
import Logging
import SQLite
import TestSupport

/// The API wired as `cfimages serve` wires it for operations: metrics observing the server and the Cloudflare
/// client, `/readyz` checking the database, a migrations folder and a Cloudflare probe, and optionally the separate
/// metrics listener. Cloudflare is the emulator on a loopback server of its own (so that the service's request
/// metrics see only the service's requests), behind per-endpoint ``faults``, unless `cloudflare` points elsewhere.
final class OpsHarness: FixtureHarness {
    static let account = EmulatorAccount(
        accountID: "ops-account", apiToken: "cf-api-token", accountHash: "OpsHash", signingKey: "ops-signing-key")

    let fixture: ServiceFixture
    let upstream: LoopbackEmulator
    let faults: CloudflareFaults
    let metrics: ServiceMetrics
    let api: ImagesAPI
    let metricsServer: HTTPServer?

    private init(
        fixture: ServiceFixture, upstream: LoopbackEmulator, faults: CloudflareFaults, metrics: ServiceMetrics,
        api: ImagesAPI, metricsServer: HTTPServer?
    ) {
        self.fixture = fixture
        self.upstream = upstream
        self.faults = faults
        self.metrics = metrics
        self.api = api
        self.metricsServer = metricsServer
    }

    static func start(
        cloudflare override: CloudflareClient.Configuration? = nil,
        migrations: String = TestPaths.migrations,
        probeTimeout: Duration = .seconds(2),
        metricsListener: Bool = false,
        configureClient: (inout CloudflareClient.Configuration) -> Void = { _ in }
    ) async throws -> OpsHarness {
        let logger = quietLogger("imagesapi-ops-tests")
        let metrics = ServiceMetrics()
        let fixture = try await ServiceFixture.start(logger: logger, observer: metrics.requestObserver)
        let faults = CloudflareFaults()
        let upstream = try LoopbackEmulator(
            configuration: account.configuration(dataDirectory: fixture.directory + "/emulator"),
            logger: logger, guarding: faults.guarding)
        var settings = Settings()
        settings.accountID = account.accountID
        settings.apiToken = account.apiToken
        settings.accountHash = account.accountHash
        settings.webhookSecret = APIHarness.webhookSecret
        var configuration =
            override
            ?? .init(
                accountID: account.accountID, apiToken: account.apiToken, baseURL: upstream.emulator.apiBaseURL,
                connectTimeout: .seconds(2),
                requestTimeout: .seconds(3), maxAttempts: 1, callDeadline: .seconds(10))
        configureClient(&configuration)

        let cloudflare = try CloudflareClient(
            configuration: configuration, httpClient: sharedHTTPClient, observer: metrics.cloudflareObserver)
        let probe = try CloudflareClient(
            configuration: ReadinessCheck.probeConfiguration(configuration, timeout: probeTimeout),
            httpClient: sharedHTTPClient, budget: cloudflare.budget, observer: metrics.cloudflareObserver)
        let readiness = ReadinessCheck(
            repository: fixture.repository, migrator: Migrator(directory: migrations, database: fixture.database),
            cloudflare: probe, timeout: probeTimeout)
        let api = ImagesAPI(
            settings: settings, repository: fixture.repository, cloudflare: cloudflare, logger: logger,
            metrics: metrics,
            readiness: readiness)
        metrics.track(server: fixture.server)
        fixture.serve(api)
        var metricsServer: HTTPServer?
        if metricsListener {
            let listener = HTTPServer(
                configuration: .init(host: "127.0.0.1", port: 0, eventLoopCount: 1, accessLog: false), logger: logger,
                responder: api.metricsResponder)
            try listener.start()
            metricsServer = listener
        }
        return OpsHarness(
            fixture: fixture, upstream: upstream, faults: faults, metrics: metrics, api: api,
            metricsServer: metricsServer)
    }

    func shutdown() async {
        await metricsServer?.shutdown()
        await fixture.shutdown()
        await upstream.stop()
    }

    /// Sends to `path` on `port` (the API port by default); paths without a leading `/` go under the prefix.
    /// `body` is typed `application/json`.
    func send(
        _ method: String, _ path: String, port: Int? = nil, token: String? = nil, body: [UInt8]? = nil,
        headers: [(String, String)] = []
    ) async throws -> TestResponse {
        let base = "http://127.0.0.1:\(port ?? server.localPort)"
        return try await sendRequest(
            method, base + (path.hasPrefix("/") ? path : "/cloudflare-images/" + path), token: token, body: body,
            bodyType: "application/json", headers: headers)
    }

    /// `GET /metrics` as an admin, parsed.
    func scrape(_ adminToken: String) async throws -> [ScrapedFamily] {
        let response = try await send("GET", "/metrics", token: adminToken)
        guard response.status == 200 else {
            throw HarnessError("metrics answered \(response.status): \(response.text)")
        }
        return try ScrapedFamily.parse(response.text)
    }
}

/// Runs `body` on a fresh harness and always shuts it down.
func withOpsHarness(
    cloudflare: CloudflareClient.Configuration? = nil,
    migrations: String = TestPaths.migrations,
    probeTimeout: Duration = .seconds(2),
    metricsListener: Bool = false,
    configureClient: (inout CloudflareClient.Configuration) -> Void = { _ in },
    _ body: (OpsHarness) async throws -> Void
) async throws {
    try await running(
        try await OpsHarness.start(
            cloudflare: cloudflare, migrations: migrations, probeTimeout: probeTimeout,
            metricsListener: metricsListener,
            configureClient: configureClient),
        body)
}
