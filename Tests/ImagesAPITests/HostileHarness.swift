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

/// The whole service over loopback, like ``APIHarness``, but every service-side logger (API, server with its access
/// log, Cloudflare client and its HTTP client) writes at trace level into one ``LogCapture``, and every secret the
/// service holds is a distinct, greppable value.
final class HostileHarness: Sendable {
    let directory: String
    let database: Database
    let repository: SQLiteImageRepository
    let fake: FakeCloudflare
    let api: ImagesAPI
    let server: HTTPServer
    let logs: LogCapture
    let clock: TestClock
    let cloudflareHTTP: HTTPClient

    static let webhookSecret = "whsec-HOSTILE-5b1c"
    static let cloudflareAPIToken = "cf-api-token-HOSTILE-77aa"
    static let signingKey = "signing-key-HOSTILE-9f3e"

    private init(
        directory: String, database: Database, repository: SQLiteImageRepository, fake: FakeCloudflare, api: ImagesAPI,
        server: HTTPServer, logs: LogCapture, clock: TestClock, cloudflareHTTP: HTTPClient
    ) {
        self.directory = directory
        self.database = database
        self.repository = repository
        self.fake = fake
        self.api = api
        self.server = server
        self.logs = logs
        self.clock = clock
        self.cloudflareHTTP = cloudflareHTTP
    }

    static func start(tokenCacheTTL: Duration = .zero) async throws -> HostileHarness {
        let directory = NSTemporaryDirectory() + "imagesapi-hostile-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let database = try Database(path: directory + "/cfimages.sqlite", readerCount: 2)
        try await Migrator(directory: APIHarness.migrations, database: database).apply()
        let clock = TestClock()
        let repository = SQLiteImageRepository(database: database, clock: { clock.now })
        let fake = try FakeCloudflare.start()
        let logs = LogCapture()
        var settings = Settings()
        settings.accountID = FakeCloudflare.account
        settings.apiToken = cloudflareAPIToken
        settings.accountHash = FakeCloudflare.accountHash
        settings.webhookSecret = webhookSecret
        settings.signingKey = signingKey
        let cloudflareHTTP = try HTTPClient(logger: logs.logger("cfimages.http-client"))
        let cloudflare = try CloudflareClient(
            configuration: .init(
                accountID: FakeCloudflare.account, apiToken: cloudflareAPIToken, baseURL: fake.baseURL + "/client/v4",
                connectTimeout: .seconds(2), requestTimeout: .seconds(3), maxAttempts: 1, callDeadline: .seconds(10)
            ),
            httpClient: cloudflareHTTP, logger: logs.logger("cfimages.cloudflare")
        )
        let api = ImagesAPI(
            settings: settings, repository: repository, cloudflare: cloudflare, logger: logs.logger("cfimages.api"),
            now: { clock.now }, tokenCacheTTL: tokenCacheTTL)
        let server = HTTPServer(
            configuration: .init(host: "127.0.0.1", port: 0, eventLoopCount: 1, accessLog: true),
            logger: logs.logger("cfimages.http"), handler: api.handler)
        try server.start()
        return HostileHarness(
            directory: directory, database: database, repository: repository, fake: fake, api: api, server: server,
            logs: logs, clock: clock, cloudflareHTTP: cloudflareHTTP)
    }

    func shutdown() async {
        await server.shutdown()
        await fake.stop()
        database.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    var port: Int { server.localPort }
    var origin: String { "http://127.0.0.1:\(port)" }

    func token(_ user: String, admin: Bool = false) async throws -> String {
        try await repository.createToken(userName: user, isAdmin: admin, label: "hostile").key
    }

    /// Sends `body` bytes to `path` under the prefix (unless `path` starts with `/`). The path is sent as given:
    /// percent-escapes and all.
    func send(
        _ method: String, _ path: String, token: String? = nil, json: String? = nil, body: [UInt8]? = nil,
        contentType: String? = nil, headers: [(String, String)] = []
    ) async throws -> TestResponse {
        let url = origin + (path.hasPrefix("/") ? path : "/cloudflare-images/" + path)
        var request = HTTPClientRequest(method: method, url: url, timeout: .seconds(15))
        if let token { request.headers["Authorization"] = "Token \(token)" }
        if let json {
            request.headers["Content-Type"] = "application/json"
            request.body = .bytes(Array(json.utf8))
        } else if let body {
            request.headers["Content-Type"] = contentType ?? "application/json"
            request.body = .bytes(body)
        }
        for (name, value) in headers { request.headers[name] = value }
        let response = try await sharedHTTPClient.send(request)
        return TestResponse(status: response.status, headers: response.headers, body: response.body)
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
        try await database.read { connection in
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
    let harness = try await HostileHarness.start(tokenCacheTTL: tokenCacheTTL)
    do {
        try await body(harness)
    } catch {
        await harness.shutdown()
        throw error
    }
    await harness.shutdown()
}
