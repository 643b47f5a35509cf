import CloudflareImages
import Configuration
import Foundation
import HTTPClient
import HTTPServer
import ImageStore
import ImagesAPI
import Logging
import SQLite

/// The API wired as `cfimages serve` wires it for operations: metrics observing the server and the Cloudflare
/// client, `/readyz` checking the database, a migrations folder and a Cloudflare probe, and optionally the separate
/// metrics listener. Cloudflare is a `FakeCloudflare` unless `cloudflare` points elsewhere.
final class OpsHarness: Sendable {
    let directory: String
    let database: Database
    let repository: SQLiteImageRepository
    let fake: FakeCloudflare
    let metrics: ServiceMetrics
    let api: ImagesAPI
    let server: HTTPServer
    let metricsServer: HTTPServer?

    private init(
        directory: String, database: Database, repository: SQLiteImageRepository, fake: FakeCloudflare,
        metrics: ServiceMetrics, api: ImagesAPI, server: HTTPServer, metricsServer: HTTPServer?
    ) {
        self.directory = directory
        self.database = database
        self.repository = repository
        self.fake = fake
        self.metrics = metrics
        self.api = api
        self.server = server
        self.metricsServer = metricsServer
    }

    static func start(
        cloudflare override: CloudflareClient.Configuration? = nil,
        migrations: String = APIHarness.migrations,
        probeTimeout: Duration = .seconds(2),
        metricsListener: Bool = false,
        configureClient: (inout CloudflareClient.Configuration) -> Void = { _ in }
    ) async throws -> OpsHarness {
        let directory = NSTemporaryDirectory() + "imagesapi-ops-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let database = try Database(path: directory + "/cfimages.sqlite", readerCount: 2)
        try await Migrator(directory: APIHarness.migrations, database: database).apply()
        let repository = SQLiteImageRepository(database: database)
        let fake = try FakeCloudflare.start()
        var settings = Settings()
        settings.accountID = FakeCloudflare.account
        settings.apiToken = "cf-api-token"
        settings.accountHash = FakeCloudflare.accountHash
        settings.webhookSecret = APIHarness.webhookSecret
        var configuration = override ?? CloudflareClient.Configuration(
            accountID: FakeCloudflare.account, apiToken: "cf-api-token", baseURL: fake.baseURL + "/client/v4",
            connectTimeout: .seconds(2), requestTimeout: .seconds(3), maxAttempts: 1, callDeadline: .seconds(10))
        configureClient(&configuration)

        let metrics = ServiceMetrics()
        let cloudflare = try CloudflareClient(
            configuration: configuration, httpClient: sharedHTTPClient, observer: metrics.cloudflareObserver)
        let probe = try CloudflareClient(
            configuration: ReadinessCheck.probeConfiguration(configuration, timeout: probeTimeout),
            httpClient: sharedHTTPClient, budget: cloudflare.budget, observer: metrics.cloudflareObserver)
        let readiness = ReadinessCheck(
            repository: repository, migrator: Migrator(directory: migrations, database: database), cloudflare: probe,
            timeout: probeTimeout)
        var logger = Logger(label: "imagesapi-ops-tests")
        logger.logLevel = .critical
        let api = ImagesAPI(
            settings: settings, repository: repository, cloudflare: cloudflare, logger: logger, metrics: metrics,
            readiness: readiness)
        let server = HTTPServer(
            configuration: .init(host: "127.0.0.1", port: 0, eventLoopCount: 1, accessLog: false), logger: logger,
            observer: metrics.requestObserver, handler: api.handler)
        metrics.track(server: server)
        try server.start()
        var metricsServer: HTTPServer?
        if metricsListener {
            let listener = HTTPServer(
                configuration: .init(host: "127.0.0.1", port: 0, eventLoopCount: 1, accessLog: false), logger: logger,
                handler: api.metricsHandler)
            try listener.start()
            metricsServer = listener
        }
        return OpsHarness(
            directory: directory, database: database, repository: repository, fake: fake, metrics: metrics, api: api,
            server: server, metricsServer: metricsServer)
    }

    func shutdown() async {
        await metricsServer?.shutdown()
        await server.shutdown()
        await fake.stop()
        database.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    var origin: String { "http://127.0.0.1:\(server.localPort)" }

    func token(_ user: String, admin: Bool = false) async throws -> String {
        try await repository.createToken(userName: user, isAdmin: admin, label: "test").key
    }

    /// Sends to `path` on `port` (the API port by default); paths without a leading `/` go under the prefix.
    func send(
        _ method: String, _ path: String, port: Int? = nil, token: String? = nil, body: [UInt8]? = nil,
        headers: [(String, String)] = []
    ) async throws -> TestResponse {
        let base = "http://127.0.0.1:\(port ?? server.localPort)"
        var request = HTTPClientRequest(
            method: method, url: base + (path.hasPrefix("/") ? path : "/cloudflare-images/" + path), timeout: .seconds(15))
        if let token { request.headers["Authorization"] = "Token \(token)" }
        if let body {
            request.headers["Content-Type"] = "application/json"
            request.body = .bytes(body)
        }
        for (name, value) in headers { request.headers[name] = value }
        let response = try await sharedHTTPClient.send(request)
        return TestResponse(status: response.status, headers: response.headers, body: response.body)
    }

    /// `GET /metrics` as an admin, parsed.
    func scrape(_ adminToken: String) async throws -> [ScrapedFamily] {
        let response = try await send("GET", "/metrics", token: adminToken)
        guard response.status == 200 else { throw HarnessError("metrics answered \(response.status): \(response.text)") }
        return try ScrapedFamily.parse(response.text)
    }
}

/// Runs `body` on a fresh harness and always shuts it down.
func withOpsHarness(
    cloudflare: CloudflareClient.Configuration? = nil,
    migrations: String = APIHarness.migrations,
    probeTimeout: Duration = .seconds(2),
    metricsListener: Bool = false,
    configureClient: (inout CloudflareClient.Configuration) -> Void = { _ in },
    _ body: (OpsHarness) async throws -> Void
) async throws {
    let harness = try await OpsHarness.start(
        cloudflare: cloudflare, migrations: migrations, probeTimeout: probeTimeout, metricsListener: metricsListener,
        configureClient: configureClient)
    do {
        try await body(harness)
    } catch {
        await harness.shutdown()
        throw error
    }
    await harness.shutdown()
}
