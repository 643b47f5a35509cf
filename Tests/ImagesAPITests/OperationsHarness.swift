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

/// For `cfimages sync` and `import` tests: the standalone emulator on a real server (with a switch that fails chosen
/// `GET images/v2` calls), a second server of source images for upload-by-URL, a migrated database on disk and a
/// client that never retries.
final class OperationsHarness: FixtureHarness {
    let fixture: ServiceFixture
    let sources: HTTPServer
    let cloudflare: CloudflareClient
    let logger: Logger

    var emulator: CloudflareEmulator { fixture.emulator! }

    /// Which `GET images/v2` calls (1-based, counted since start) answer 500.
    let failingListCalls = Mutex<Set<Int>>([])
    let listCalls = Mutex(0)
    /// Source paths answering 404, and how long each source request waits before answering.
    let missingSources = Mutex<Set<String>>([])
    let sourceDelay = Mutex<Duration>(.zero)
    /// Source requests in flight now, and the most seen at once.
    let sourceInFlight = Mutex((now: 0, max: 0))

    private init(fixture: ServiceFixture, sources: HTTPServer, cloudflare: CloudflareClient, logger: Logger) {
        self.fixture = fixture
        self.sources = sources
        self.cloudflare = cloudflare
        self.logger = logger
    }

    static func start() async throws -> OperationsHarness {
        let logger = quietLogger("operations-tests")
        let fixture = try await ServiceFixture.start(
            logger: logger,
            emulator: .init(
                account: EmulatorAccount(
                    accountID: "ops-account", apiToken: "ops-token", accountHash: "OpsHash",
                    signingKey: "ops-signing-key")))
        let sourceBox = HandlerSlot()
        let sources = HTTPServer(
            configuration: .init(host: "127.0.0.1", port: 0, eventLoopCount: 1, accessLog: false), logger: logger,
            responder: sourceBox.responder)
        try sources.start()

        let cloudflare = try CloudflareClient(
            configuration: .init(
                accountID: "ops-account", apiToken: "ops-token", baseURL: fixture.emulator!.apiBaseURL,
                connectTimeout: .seconds(2), requestTimeout: .seconds(10), maxAttempts: 1, callDeadline: .seconds(20)),
            httpClient: sharedHTTPClient)
        let harness = OperationsHarness(fixture: fixture, sources: sources, cloudflare: cloudflare, logger: logger)

        let router = fixture.emulator!.makeRouter(mountPath: "/_emulator")
        fixture.slot.set(
            Responder { [weak harness] request in
                if request.method == .get, request.path.hasSuffix("/images/v2"), let harness {
                    let call = harness.listCalls.withLock {
                        $0 += 1
                        return $0
                    }
                    if harness.failingListCalls.withLock({ $0.contains(call) }) {
                        return Response.text(HTTPStatus(code: 500), "injected failure")
                    }
                }
                return try await router.respond(to: request)
            })
        sourceBox.set(
            Responder { [weak harness] request in
                guard let harness else { return Response(status: .serviceUnavailable) }
                return try await harness.serveSource(request)
            })
        return harness
    }

    /// `GET /img/<name>`: a small GIF, after `sourceDelay`; 404 for `missingSources`.
    private func serveSource(_ request: Request) async throws -> Response {
        sourceInFlight.withLock { state in
            state.now += 1
            state.max = max(state.max, state.now)
        }
        defer { sourceInFlight.withLock { $0.now -= 1 } }
        let delay = sourceDelay.withLock { $0 }
        if delay > .zero { try await Task.sleep(for: delay) }
        if request.path.hasPrefix("/html/") { return Response.text(.ok, "<html>not an image</html>") }
        if request.path.hasPrefix("/big/") {
            var headers = HTTPHeaders()
            headers["Content-Type"] = "image/gif"
            return Response(
                status: .ok, headers: headers,
                body: EmulatorFlowTests.gif(width: 8, height: 4) + [UInt8](repeating: 0, count: 1_500_000))
        }
        guard request.path.hasPrefix("/img/"), !missingSources.withLock({ $0.contains(request.path) }) else {
            return Response(status: .notFound)
        }
        var headers = HTTPHeaders()
        headers["Content-Type"] = "image/gif"
        return Response(status: .ok, headers: headers, body: EmulatorFlowTests.gif(width: 8, height: 4))
    }

    var sourceOrigin: String { "http://127.0.0.1:\(sources.localPort)" }

    /// Uploads `count` images straight to the emulator (as another app would), named `<prefix>-<n>.gif`.
    @discardableResult
    func seedCloudflare(
        _ count: Int, prefix: String = "cf", metadata: [String: JSONValue]? = nil, creator: String? = nil
    )
        async throws -> [CloudflareImage]
    {
        var images: [CloudflareImage] = []
        for n in 0..<count {
            images.append(
                try await cloudflare.uploadImage(
                    file: EmulatorFlowTests.gif(width: 4, height: 4), filename: "\(prefix)-\(n).gif",
                    contentType: "image/gif",
                    options: ImageUploadOptions(metadata: metadata, creator: creator)))
        }
        return images
    }

    func syncService() -> SyncService {
        SyncService(repository: repository, cloudflare: cloudflare, logger: logger)
    }

    func importService(settings: Settings = Settings(), probing: Bool = false) throws -> ImportService {
        ImportService(
            repository: repository, cloudflare: cloudflare, logger: logger, settings: settings,
            probe: probing ? try HTTPClient(logger: logger) : nil)
    }

    func shutdown() async {
        await sources.shutdown()
        await fixture.shutdown()
    }
}

/// Collects what a ``ProgressReporter`` writes.
final class ProgressCapture: Sendable {
    private let text = Mutex("")
    func write(_ chunk: String) { text.withLock { $0 += chunk } }
    var output: String { text.withLock { $0 } }
    var lines: [String] { output.split(separator: "\n").map(String.init) }
}
