import CloudflareEmulator
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
/// the repository's `Migrations/`), and the real `CloudflareClient` talking to a `CloudflareEmulator` on a loopback
/// server of its own, behind per-endpoint ``faults``.
///
/// The emulator keeps the API's clock, answers with Cloudflare's variant URLs
/// (`https://imagedelivery.net/HASH123/<id>/<variant>`), lists no signing key and sends no webhooks (the tests post
/// their own). Tests set and read its state at once with its in-process controls (``emulator``,
/// ``completeUpload(_:filename:)``).
final class APIHarness: FixtureHarness {
    static let account = EmulatorAccount(
        accountID: "acc-test", apiToken: "cf-api-token", accountHash: "HASH123", signingKey: "acc-test-signing-key")
    /// The `uploaded` time ``completeUpload(_:filename:)`` gives: 2026-01-02T03:04:05.678Z.
    static let uploadedAt = Date(timeIntervalSince1970: 1_767_323_045.678)

    let fixture: ServiceFixture
    let upstream: LoopbackEmulator
    /// Faults injected per Cloudflare endpoint, and calls counted per endpoint, in front of the emulator.
    let faults: CloudflareFaults
    let api: ImagesAPI
    let clock: TestClock
    let settings: Settings
    /// The API's own Cloudflare client, for services a command would run beside it.
    let cloudflare: CloudflareClient

    static let webhookSecret = "whsec-test-123"

    var emulator: CloudflareEmulator { upstream.emulator }

    private init(
        fixture: ServiceFixture, upstream: LoopbackEmulator, faults: CloudflareFaults, api: ImagesAPI,
        clock: TestClock, settings: Settings, cloudflare: CloudflareClient
    ) {
        self.fixture = fixture
        self.upstream = upstream
        self.faults = faults
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
        let faults = CloudflareFaults()
        var emulatorConfiguration = account.configuration(dataDirectory: fixture.directory + "/emulator")
        emulatorConfiguration.variantBaseURL = "https://imagedelivery.net"
        emulatorConfiguration.listsSigningKeys = false
        emulatorConfiguration.clock = { clock.now }
        let upstream: LoopbackEmulator
        do {
            upstream = try LoopbackEmulator(
                configuration: emulatorConfiguration, logger: logger, guarding: faults.guarding)
        } catch {
            await fixture.shutdown()
            throw error
        }
        var settings = Settings()
        settings.accountID = account.accountID
        settings.apiToken = account.apiToken
        settings.accountHash = account.accountHash
        settings.webhookSecret = webhookSecret
        configure(&settings)
        let cloudflare = try CloudflareClient(
            configuration: .init(
                accountID: account.accountID, apiToken: account.apiToken, baseURL: upstream.emulator.apiBaseURL,
                connectTimeout: .seconds(2), requestTimeout: requestTimeout, maxAttempts: 1, callDeadline: .seconds(10)),
            httpClient: sharedHTTPClient)
        let api = ImagesAPI(
            settings: settings, repository: fixture.repository, cloudflare: cloudflare, logger: logger,
            now: { clock.now }, tokenCacheTTL: tokenCacheTTL)
        fixture.serve(api)
        return APIHarness(
            fixture: fixture, upstream: upstream, faults: faults, api: api, clock: clock, settings: settings,
            cloudflare: cloudflare)
    }

    func shutdown() async {
        await fixture.shutdown()
        await upstream.stop()
    }

    /// Completes the draft `id` at the emulator as a browser's upload would, without a file, at ``uploadedAt``.
    func completeUpload(_ id: String, filename: String = "photo.jpg") async throws {
        guard try await emulator.markUploaded(id, at: Self.uploadedAt, filename: filename) else {
            throw HarnessError("the emulator has no draft \(id)")
        }
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
