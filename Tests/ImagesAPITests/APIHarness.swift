import CloudflareImages
import Configuration
import Foundation
import HTTPClient
import HTTPFields
import HTTPServer
import ImageStore
import ImagesAPI
import JSON
import Logging
import SQLite
import Synchronization
import TestSupport

/// One HTTP client for every test (one libcurl driver thread).
let sharedHTTPClient: HTTPClient = try! HTTPClient()

/// The whole service over loopback: the API on a real `HTTPServer`, SQLite on disk in a temp directory (migrated from
/// the repository's `Migrations/`), and the real `CloudflareClient` talking to a `FakeCloudflare`.
final class APIHarness: FixtureHarness {
    let fixture: ServiceFixture
    let fake: FakeCloudflare
    let api: ImagesAPI
    let clock: TestClock
    let settings: Settings
    /// The API's own Cloudflare client, for services a command would run beside it.
    let cloudflare: CloudflareClient

    static let webhookSecret = "whsec-test-123"

    private init(
        fixture: ServiceFixture, fake: FakeCloudflare, api: ImagesAPI, clock: TestClock, settings: Settings,
        cloudflare: CloudflareClient
    ) {
        self.fixture = fixture
        self.fake = fake
        self.api = api
        self.clock = clock
        self.settings = settings
        self.cloudflare = cloudflare
    }

    static func start(
        requestTimeout: Duration = .seconds(3),
        tokenCacheTTL: Duration = .seconds(5),
        configure: (inout Settings) -> Void = { _ in }
    ) async throws -> APIHarness {
        let logger = quietLogger("imagesapi-tests")
        let clock = TestClock()
        let fixture = try await ServiceFixture.start(logger: logger, clock: clock)
        let fake = try FakeCloudflare.start()
        var settings = FakeCloudflare.settings(webhookSecret: webhookSecret)
        configure(&settings)
        let cloudflare = try CloudflareClient(
            configuration: fake.clientConfiguration(requestTimeout: requestTimeout), httpClient: sharedHTTPClient)
        let api = ImagesAPI(
            settings: settings, repository: fixture.repository, cloudflare: cloudflare, logger: logger,
            now: { clock.now }, tokenCacheTTL: tokenCacheTTL)
        fixture.serve(api)
        return APIHarness(fixture: fixture, fake: fake, api: api, clock: clock, settings: settings, cloudflare: cloudflare)
    }

    func shutdown() async {
        await fixture.shutdown()
        await fake.stop()
    }

    /// Sends a request to `path` under the prefix (`/cloudflare-images/` + path) unless it starts with `/`.
    func send(
        _ method: String, _ path: String, token: String? = nil, json: String? = nil, body: [UInt8]? = nil,
        headers: [(String, String)] = []
    ) async throws -> TestResponse {
        try await sendRequest(method, fixture.url(path), token: token, json: json, body: body, headers: headers)
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
    try await running(
        try await APIHarness.start(requestTimeout: requestTimeout, tokenCacheTTL: tokenCacheTTL, configure: configure),
        body)
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

struct TestResponse: Sendable {
    let status: Int
    let headers: HTTPHeaders
    let body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: JSONValue? { try? JSONValue.parse(body) }
    var object: [String: JSONValue]? { json?.objectValue }
    func header(_ name: String) -> String? { headers[name] }
}

extension Dictionary where Key == String, Value == JSONValue {
    func string(_ key: String) -> String? { self[key]?.stringValue }
}
