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

/// The API with the Cloudflare emulator mounted at `/_emulator` on one real loopback server, as `cfimages serve`
/// runs without an account (wiring of `EmulatorFlowTests`). The API's clock is a `TestClock`; the emulator keeps
/// real time, so moving the API's clock back makes the URLs it signs already expired for the emulator.
final class EmulatorService: Sendable {
    static let signingKey = "emu-signing-key"
    static let accountHash = "EmuHash"

    let directory: String
    let server: HTTPServer
    let emulator: CloudflareEmulator
    let database: Database
    let repository: SQLiteImageRepository
    let api: ImagesAPI
    let clock: TestClock
    let token: String

    private init(
        directory: String, server: HTTPServer, emulator: CloudflareEmulator, database: Database,
        repository: SQLiteImageRepository, api: ImagesAPI, clock: TestClock, token: String
    ) {
        self.directory = directory
        self.server = server
        self.emulator = emulator
        self.database = database
        self.repository = repository
        self.api = api
        self.clock = clock
        self.token = token
    }

    var origin: String { "http://127.0.0.1:\(server.localPort)" }

    /// Starts everything; `configure` may change the API's settings (the signing key is left unset by default, so
    /// the API fetches it from the emulator's `v1/keys`).
    static func start(configure: (inout Settings) -> Void = { _ in }) async throws -> EmulatorService {
        var logger = Logger(label: "delivery-tests")
        logger.logLevel = .critical
        let directory = NSTemporaryDirectory() + "imagesapi-delivery-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)

        let box = HandlerSlot()
        let server = HTTPServer(
            configuration: .init(host: "127.0.0.1", port: 0, eventLoopCount: 1, accessLog: false), logger: logger,
            handler: { try await box.handle($0) })
        try server.start()
        let origin = "http://127.0.0.1:\(server.localPort)"
        let secret = "emu-webhook-secret"
        let emulator = try CloudflareEmulator(
            configuration: .init(
                accountID: "emu-account", apiToken: "emu-token", accountHash: accountHash, signingKey: signingKey,
                dataDirectory: directory + "/emulator", publicBaseURL: origin + "/_emulator",
                webhookURL: origin + "/cloudflare-images/api/webhook/", webhookSecret: secret,
                webhookRetryDelays: [.milliseconds(50)]),
            logger: logger)
        let database = try Database(path: directory + "/cfimages.sqlite", readerCount: 2)
        try await Migrator(directory: APIHarness.migrations, database: database).apply()
        let repository = SQLiteImageRepository(database: database)
        let cloudflare = try CloudflareClient(
            configuration: .init(
                accountID: "emu-account", apiToken: "emu-token", baseURL: emulator.apiBaseURL, maxAttempts: 1),
            httpClient: sharedHTTPClient)
        var settings = Settings()
        settings.webhookSecret = secret
        configure(&settings)
        let clock = TestClock()
        let api = ImagesAPI(
            settings: settings, repository: repository, cloudflare: cloudflare, logger: logger, now: { clock.now })
        let emulatorRouter = emulator.makeRouter(mountPath: "/_emulator")
        box.set { request in
            request.path.hasPrefix("/_emulator/")
                ? try await emulatorRouter.respond(to: request) : try await api.handler(request)
        }
        let token = try await repository.createToken(userName: "alice", isAdmin: false, label: "t").key
        return EmulatorService(
            directory: directory, server: server, emulator: emulator, database: database, repository: repository,
            api: api, clock: clock, token: token)
    }

    func shutdown() async {
        await server.shutdown()
        emulator.close()
        database.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A request to `path` under the API prefix, with the token.
    func get(_ path: String) async throws -> TestResponse {
        try await send("GET", path)
    }

    func send(_ method: String, _ path: String, json: String? = nil) async throws -> TestResponse {
        var request = HTTPClientRequest(method: method, url: origin + "/cloudflare-images/" + path, timeout: .seconds(10))
        request.headers["Authorization"] = "Token \(token)"
        if let json {
            request.headers["Content-Type"] = "application/json"
            request.body = .bytes(Array(json.utf8))
        }
        let response = try await sharedHTTPClient.send(request)
        return TestResponse(status: response.status, headers: response.headers, body: response.body)
    }

    /// Fetches an absolute URL without a token (as a browser opens an image).
    func fetch(_ url: String) async throws -> TestResponse {
        let response = try await sharedHTTPClient.send(HTTPClientRequest(url: url, timeout: .seconds(10)))
        return TestResponse(status: response.status, headers: response.headers, body: response.body)
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
        var form = MultipartForm()
        form.append("file", filename: "pic.gif", contentType: "image/gif", data: bytes)
        let uploaded = try await sharedHTTPClient.send(HTTPClientRequest(method: "POST", url: uploadURL, body: .multipart(form)))
        guard uploaded.status == 200 else { throw HarnessError("upload answered \(uploaded.status)") }
        for _ in 0..<200 {
            if try await get("api/images/\(id)/").object?.string("status") == "uploaded" { return id }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw HarnessError("image \(id) was not marked uploaded")
    }
}

/// Runs `body` on a fresh emulator-backed service and always shuts it down.
func withEmulatorService(
    configure: (inout Settings) -> Void = { _ in }, _ body: (EmulatorService) async throws -> Void
) async throws {
    let service = try await EmulatorService.start(configure: configure)
    do {
        try await body(service)
    } catch {
        await service.shutdown()
        throw error
    }
    await service.shutdown()
}

extension Dictionary where Key == String, Value == JSONValue {
    /// The messages of a field error, `{"field": ["message", ...]}`.
    func messages(_ field: String) -> [String]? {
        guard case .array(let items)? = self[field] else { return nil }
        return items.compactMap(\.stringValue)
    }
}
