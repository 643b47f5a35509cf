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
import TestSupport

/// The API on a real loopback server whose Cloudflare client the test configures, with its own `HTTPClient` (as
/// `cfimages serve` has), optionally talking to an emulator mounted at `/_emulator` on the same server.
final class FaultService: FixtureHarness {
    static let apiToken = "emu-token-7f3a"

    let fixture: ServiceFixture
    let token: String
    /// Retries the API's Cloudflare client made (its `CallEvent.retrying` events).
    let retries = Atomic<Int>(0)

    var emulator: CloudflareEmulator? { fixture.emulator }

    private init(fixture: ServiceFixture, token: String) {
        self.fixture = fixture
        self.token = token
    }

    /// Starts the service. `client` gets the emulator's API base URL (nil without one) and returns the Cloudflare
    /// client's configuration.
    static func start(
        emulated: Bool, client: (String?) throws -> CloudflareClient.Configuration
    ) async throws -> FaultService {
        let logger = quietLogger("fault-tests")
        let fixture = try await ServiceFixture.start(logger: logger, emulator: emulated ? .apiToken(apiToken) : nil)
        let token = try await fixture.token("alice", label: "t")
        let service = FaultService(fixture: fixture, token: token)
        let cloudflare = try CloudflareClient(
            configuration: client(fixture.emulator?.apiBaseURL), httpClient: try HTTPClient(), logger: logger,
            observer: { event in
                if case .retrying = event { service.retries.add(1, ordering: .relaxed) }
            })
        let api = ImagesAPI(
            settings: Settings(), repository: fixture.repository, cloudflare: cloudflare, logger: logger)
        fixture.serve(api)
        return service
    }

    /// A request under the API prefix (or at `path` itself when it starts with `/`), with the token, timed.
    func send(_ method: String, _ path: String, json: String? = nil) async throws -> (TestResponse, Duration) {
        let clock = ContinuousClock()
        let start = clock.now
        let response = try await sendRequest(
            method, fixture.url(path), token: token, json: json, timeout: .seconds(30))
        return (response, clock.now - start)
    }

    /// Rows in `images`, counted by SQL (not through the counters the API keeps).
    /// How many images are stored (from the counters the triggers keep, on either backend).
    func imageRowCount() async throws -> Int {
        try await repository.counts(owner: nil).total
    }
}

/// Runs `body` on a fresh service and always shuts it down.
func withFaultService(
    emulated: Bool, client: (String?) throws -> CloudflareClient.Configuration,
    _ body: (FaultService) async throws -> Void
) async throws {
    try await running(try await FaultService.start(emulated: emulated, client: client), body)
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
