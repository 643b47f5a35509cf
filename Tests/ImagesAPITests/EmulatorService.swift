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
import Synchronization
import TestSupport

/// The API with the Cloudflare emulator mounted at `/_emulator` on one real loopback server, as `cfimages serve`
/// runs without an account (wiring of `EmulatorFlowTests`). The API's clock is a `TestClock`; the emulator keeps
/// real time, so moving the API's clock back makes the URLs it signs already expired for the emulator.
final class EmulatorService: FixtureHarness {
    static let account = ServiceFixture.Emulator().account
    static let webhookSecret = "emu-webhook-secret"

    let fixture: ServiceFixture
    let api: ImagesAPI
    let clock: TestClock
    let token: String

    var emulator: CloudflareEmulator { fixture.emulator! }

    private init(fixture: ServiceFixture, api: ImagesAPI, clock: TestClock, token: String) {
        self.fixture = fixture
        self.api = api
        self.clock = clock
        self.token = token
    }

    /// Starts everything; `configure` may change the API's settings (the signing key is left unset by default, so
    /// the API fetches it from the emulator's `v1/keys`).
    static func start(configure: (inout Settings) -> Void = { _ in }) async throws -> EmulatorService {
        let logger = quietLogger("delivery-tests")
        let fixture = try await ServiceFixture.start(
            logger: logger,
            emulator: .init(account: account, webhookSecret: webhookSecret))
        let cloudflare = try CloudflareClient(
            configuration: .init(
                accountID: account.accountID, apiToken: account.apiToken, baseURL: fixture.emulator!.apiBaseURL,
                maxAttempts: 1),
            httpClient: sharedHTTPClient)
        var settings = fixture.emulatorSettings(webhookSecret: webhookSecret)
        configure(&settings)
        let clock = TestClock()
        let api = ImagesAPI(
            settings: settings, repository: fixture.repository, cloudflare: cloudflare, logger: logger,
            now: { clock.now })
        fixture.serve(api)
        let token = try await fixture.token("alice", label: "t")
        return EmulatorService(fixture: fixture, api: api, clock: clock, token: token)
    }

    /// A request to `path` under the API prefix, with the token.
    func get(_ path: String) async throws -> TestResponse {
        try await send("GET", path)
    }

    func send(_ method: String, _ path: String, json: String? = nil) async throws -> TestResponse {
        try await sendRequest(
            method, origin + "/cloudflare-images/" + path, token: token, json: json, timeout: .seconds(10))
    }

    /// Fetches an absolute URL without a token (as a browser opens an image).
    func fetch(_ url: String) async throws -> TestResponse {
        try await sendRequest("GET", url, timeout: .seconds(10))
    }

    /// Creates an upload URL and returns the image id, without uploading.
    func createPending(signed: Bool) async throws -> String {
        let created = try await send(
            "POST", "api/upload-url/", json: #"{"require_signed_urls":\#(signed),"filename":"pic.gif"}"#)
        guard created.status == 201, let id = created.object?.string("id") else {
            throw HarnessError("upload-url answered \(created.status): \(created.text)")
        }
        return id
    }

    /// Uploads a GIF through the emulator and waits (bounded) for its webhook to mark the image uploaded.
    func upload(signed: Bool, bytes: [UInt8] = EmulatorFlowTests.gif(width: 8, height: 4)) async throws -> String {
        let id = try await createPending(signed: signed)
        let detail = try await get("api/images/\(id)/")
        guard let uploadURL = detail.object?.string("upload_url") else { throw HarnessError("no upload_url") }
        try await Self.uploadFile(to: uploadURL, bytes: bytes)
        for _ in 0..<200 {
            if try await get("api/images/\(id)/").object?.string("status") == "uploaded" { return id }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw HarnessError("image \(id) was not marked uploaded")
    }

    /// Uploads a GIF to an emulator's one-time upload URL, as a browser would.
    static func uploadFile(
        to uploadURL: String, bytes: [UInt8] = EmulatorFlowTests.gif(width: 8, height: 4)
    ) async throws {
        var form = MultipartForm()
        form.append("file", filename: "pic.gif", contentType: "image/gif", data: bytes)
        let uploaded = try await sharedHTTPClient.send(
            HTTPClientRequest(method: "POST", url: uploadURL, body: .multipart(form)))
        guard uploaded.status == 200 else { throw HarnessError("upload answered \(uploaded.status)") }
    }
}

/// Runs `body` on a fresh emulator-backed service and always shuts it down.
func withEmulatorService(
    configure: (inout Settings) -> Void = { _ in }, _ body: (EmulatorService) async throws -> Void
) async throws {
    try await running(try await EmulatorService.start(configure: configure), body)
}

extension Dictionary where Key == String, Value == JSONValue {
    /// The messages of a field error, `{"field": ["message", ...]}`.
    func messages(_ field: String) -> [String]? {
        guard case .array(let items)? = self[field] else { return nil }
        return items.compactMap(\.stringValue)
    }
}
