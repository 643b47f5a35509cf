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
import Synchronization

/// One HTTP client for every test (one libcurl driver thread).
let sharedHTTPClient: HTTPClient = try! HTTPClient()

/// A settable clock shared by the repository and the API.
final class TestClock: Sendable {
    private let date: Mutex<Date>
    init(_ date: Date = Date()) { self.date = Mutex(date) }
    var now: Date { date.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { date.withLock { $0 += seconds } }
}

/// The whole service over loopback: the API on a real `HTTPServer`, SQLite on disk in a temp directory (migrated from
/// the repository's `Migrations/`), and the real `CloudflareClient` talking to a `FakeCloudflare`.
final class APIHarness: Sendable {
    let directory: String
    let database: Database
    let repository: SQLiteImageRepository
    let fake: FakeCloudflare
    let api: ImagesAPI
    let server: HTTPServer
    let clock: TestClock
    let settings: Settings

    static let migrations: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Migrations").path

    static let webhookSecret = "whsec-test-123"

    private init(
        directory: String, database: Database, repository: SQLiteImageRepository, fake: FakeCloudflare, api: ImagesAPI,
        server: HTTPServer, clock: TestClock, settings: Settings
    ) {
        self.directory = directory
        self.database = database
        self.repository = repository
        self.fake = fake
        self.api = api
        self.server = server
        self.clock = clock
        self.settings = settings
    }

    static func start(
        requestTimeout: Duration = .seconds(3),
        tokenCacheTTL: Duration = .seconds(5),
        configure: (inout Settings) -> Void = { _ in }
    ) async throws -> APIHarness {
        let directory = NSTemporaryDirectory() + "imagesapi-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let database = try Database(path: directory + "/cfimages.sqlite", readerCount: 2)
        try await Migrator(directory: migrations, database: database).apply()
        let clock = TestClock()
        let repository = SQLiteImageRepository(database: database, clock: { clock.now })
        let fake = try FakeCloudflare.start()
        var settings = Settings()
        settings.accountID = FakeCloudflare.account
        settings.apiToken = "cf-api-token"
        settings.accountHash = FakeCloudflare.accountHash
        settings.webhookSecret = webhookSecret
        configure(&settings)
        let cloudflare = try CloudflareClient(
            configuration: .init(
                accountID: FakeCloudflare.account, apiToken: "cf-api-token", baseURL: fake.baseURL + "/client/v4",
                connectTimeout: .seconds(2), requestTimeout: requestTimeout, maxAttempts: 1, callDeadline: .seconds(10)
            ),
            httpClient: sharedHTTPClient
        )
        var logger = Logger(label: "imagesapi-tests")
        logger.logLevel = .critical
        let api = ImagesAPI(
            settings: settings, repository: repository, cloudflare: cloudflare, logger: logger, now: { clock.now },
            tokenCacheTTL: tokenCacheTTL)
        let server = HTTPServer(
            configuration: .init(host: "127.0.0.1", port: 0, eventLoopCount: 1, accessLog: false), logger: logger,
            handler: api.handler)
        try server.start()
        return APIHarness(
            directory: directory, database: database, repository: repository, fake: fake, api: api, server: server,
            clock: clock, settings: settings)
    }

    func shutdown() async {
        await server.shutdown()
        await fake.stop()
        database.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    var origin: String { "http://127.0.0.1:\(server.localPort)" }

    /// A new token's key.
    func token(_ user: String, admin: Bool = false) async throws -> String {
        try await repository.createToken(userName: user, isAdmin: admin, label: "test").key
    }

    /// Sends a request to `path` under the prefix (`/cloudflare-images/` + path) unless it starts with `/`.
    func send(
        _ method: String, _ path: String, token: String? = nil, json: String? = nil, body: [UInt8]? = nil,
        headers: [(String, String)] = []
    ) async throws -> TestResponse {
        let url = origin + (path.hasPrefix("/") ? path : "/cloudflare-images/" + path)
        var request = HTTPClientRequest(method: method, url: url, timeout: .seconds(15))
        if let token { request.headers["Authorization"] = "Token \(token)" }
        if let json {
            request.headers["Content-Type"] = "application/json"
            request.body = .bytes(Array(json.utf8))
        } else if let body {
            request.body = .bytes(body)
        }
        for (name, value) in headers { request.headers[name] = value }
        let response = try await sharedHTTPClient.send(request)
        return TestResponse(status: response.status, headers: response.headers, body: response.body)
    }

    /// Creates an upload URL for `token` and returns the response object.
    func createUpload(_ token: String, _ json: String = "{}") async throws -> [String: JSONValue] {
        let response = try await send("POST", "api/upload-url/", token: token, json: json)
        guard response.status == 201, let object = response.object else {
            throw HarnessError("upload-url answered \(response.status): \(response.text)")
        }
        return object
    }
}

/// Runs `body` on a fresh harness and always shuts it down.
func withHarness(
    requestTimeout: Duration = .seconds(3),
    tokenCacheTTL: Duration = .seconds(5),
    configure: (inout Settings) -> Void = { _ in },
    _ body: (APIHarness) async throws -> Void
) async throws {
    let harness = try await APIHarness.start(requestTimeout: requestTimeout, tokenCacheTTL: tokenCacheTTL, configure: configure)
    do {
        try await body(harness)
    } catch {
        await harness.shutdown()
        throw error
    }
    await harness.shutdown()
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

struct TestResponse: Sendable {
    let status: Int
    let headers: HTTPClientHeaders
    let body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: JSONValue? { try? JSONValue.parse(body) }
    var object: [String: JSONValue]? { json?.objectValue }
    func header(_ name: String) -> String? { headers[name] }
}

extension Dictionary where Key == String, Value == JSONValue {
    func string(_ key: String) -> String? { self[key]?.stringValue }
}
