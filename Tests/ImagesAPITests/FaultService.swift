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
import Synchronization

/// The API on a real loopback server whose Cloudflare client the test configures, with its own `HTTPClient` (as
/// `cfimages serve` has), optionally talking to an emulator mounted at `/_emulator` on the same server.
final class FaultService: Sendable {
    static let apiToken = "emu-token-7f3a"

    let directory: String
    let server: HTTPServer
    let emulator: CloudflareEmulator?
    let database: Database
    let repository: SQLiteImageRepository
    let token: String
    /// Retries the API's Cloudflare client made (its `CallEvent.retrying` events).
    let retries = Atomic<Int>(0)

    private init(
        directory: String, server: HTTPServer, emulator: CloudflareEmulator?, database: Database,
        repository: SQLiteImageRepository, token: String
    ) {
        self.directory = directory
        self.server = server
        self.emulator = emulator
        self.database = database
        self.repository = repository
        self.token = token
    }

    var origin: String { "http://127.0.0.1:\(server.localPort)" }

    /// Starts the service. `client` gets the emulator's API base URL (nil without one) and returns the Cloudflare
    /// client's configuration.
    static func start(
        emulated: Bool, client: (String?) throws -> CloudflareClient.Configuration
    ) async throws -> FaultService {
        var logger = Logger(label: "fault-tests")
        logger.logLevel = .critical
        let directory = NSTemporaryDirectory() + "imagesapi-faults-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)

        let box = HandlerSlot()
        let server = HTTPServer(
            configuration: .init(host: "127.0.0.1", port: 0, eventLoopCount: 1, accessLog: false), logger: logger,
            handler: { try await box.handle($0) })
        try server.start()
        let origin = "http://127.0.0.1:\(server.localPort)"
        let emulator = emulated
            ? try CloudflareEmulator(
                configuration: .init(
                    accountID: "emu-account", apiToken: apiToken, accountHash: "EmuHash", signingKey: "emu-signing-key",
                    dataDirectory: directory + "/emulator", publicBaseURL: origin + "/_emulator"),
                logger: logger)
            : nil
        let database = try Database(path: directory + "/cfimages.sqlite", readerCount: 2)
        try await Migrator(directory: APIHarness.migrations, database: database).apply()
        let repository = SQLiteImageRepository(database: database)
        let token = try await repository.createToken(userName: "alice", isAdmin: false, label: "t").key
        let service = FaultService(
            directory: directory, server: server, emulator: emulator, database: database, repository: repository,
            token: token)
        let cloudflare = try CloudflareClient(
            configuration: client(emulator?.apiBaseURL), httpClient: try HTTPClient(), logger: logger,
            observer: { event in
                if case .retrying = event { service.retries.add(1, ordering: .relaxed) }
            })
        let api = ImagesAPI(settings: Settings(), repository: repository, cloudflare: cloudflare, logger: logger)
        let emulatorRouter = emulator?.makeRouter(mountPath: "/_emulator")
        box.set { request in
            if let emulatorRouter, request.path.hasPrefix("/_emulator/") {
                return try await emulatorRouter.respond(to: request)
            }
            return try await api.handler(request)
        }
        return service
    }

    func shutdown() async {
        await server.shutdown()
        emulator?.close()
        database.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A request under the API prefix (or at `path` itself when it starts with `/`), with the token, timed.
    func send(_ method: String, _ path: String, json: String? = nil) async throws -> (TestResponse, Duration) {
        let url = origin + (path.hasPrefix("/") ? path : "/cloudflare-images/" + path)
        var request = HTTPClientRequest(method: method, url: url, timeout: .seconds(30))
        request.headers["Authorization"] = "Token \(token)"
        if let json {
            request.headers["Content-Type"] = "application/json"
            request.body = .bytes(Array(json.utf8))
        }
        let clock = ContinuousClock()
        let start = clock.now
        let response = try await sharedHTTPClient.send(request)
        return (TestResponse(status: response.status, headers: response.headers, body: response.body), clock.now - start)
    }

    /// Rows in `images`, counted by SQL (not through the counters the API keeps).
    func imageRowCount() async throws -> Int {
        try await database.read { connection in
            guard case .integer(let count)? = try connection.scalar("SELECT COUNT(*) FROM images") else { return -1 }
            return Int(count)
        }
    }
}

/// Runs `body` on a fresh service and always shuts it down.
func withFaultService(
    emulated: Bool, client: (String?) throws -> CloudflareClient.Configuration, _ body: (FaultService) async throws -> Void
) async throws {
    let service = try await FaultService.start(emulated: emulated, client: client)
    do {
        try await body(service)
    } catch {
        await service.shutdown()
        throw error
    }
    await service.shutdown()
}

/// Runs `count` jobs with at most `width` in flight; results in job order.
func inParallel<T: Sendable>(
    _ count: Int, width: Int, _ job: @escaping @Sendable (Int) async throws -> T
) async throws -> [T] {
    try await withThrowingTaskGroup(of: (Int, T).self) { group in
        var results = [T?](repeating: nil, count: count)
        var next = 0
        while next < min(width, count) {
            let index = next
            group.addTask { (index, try await job(index)) }
            next += 1
        }
        while let (index, result) = try await group.next() {
            results[index] = result
            if next < count {
                let index = next
                group.addTask { (index, try await job(index)) }
                next += 1
            }
        }
        return results.map { $0! }
    }
}
