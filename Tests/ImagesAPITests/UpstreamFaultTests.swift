import CloudflareEmulator
import CloudflareImages
import Foundation
import ImageStore
import JSON
import Synchronization
import TestSupport
import Testing

/// `POST api/upload-url/` while Cloudflare misbehaves: random 500/503/429 answers, a closed port, a server that
/// never answers. Each request is checked against the configured call deadline plus `margin` (a bound, not a speed
/// figure), and rows are counted against 201 answers exactly. `make test` runs this suite on its own, after the
/// parallel run: sixteen other tests on two cores once held one of its requests 5.7 s past the deadline.
@Suite struct UpstreamFaultTests {
    /// Slack on top of a configured deadline for the API's own work and the scheduler of a busy machine.
    /// Two seconds: at a load average of 10 on two cores a request was seen 1.1 s past its deadline; the bugs these
    /// bounds catch overshoot by a whole attempt's timeout (3 s below).
    static let margin: Duration = .seconds(2)

    static let uploadBody = #"{"filename":"pic.gif","metadata":{"k":"v"}}"#

    /// The body of a failed upload-url: `{"error": "Failed to create upload URL: ..."}`, nothing else.
    static func isCleanError(_ response: TestResponse) -> Bool {
        guard let object = response.object, object.count == 1, let message = object.string("error") else {
            return false
        }
        return message.hasPrefix("Failed to create upload URL: ")
            && response.header("Content-Type")?.hasPrefix("application/json") == true
    }

    /// 30% of Cloudflare calls fail, in batches of 500, 503, 429 with `Retry-After: 0`, and 429 with `Retry-After: 1`.
    ///
    /// With independent failures at rate p, a call fails only if all its attempts do: p^n. The default 4 attempts
    /// give 0.3^4 = 0.81% failed calls, so "at least 99% succeed" would fail by chance in about one run of five
    /// (P(more than 2 of 200 fail) is 22%). The client here makes 6 attempts (CLOUDFLARE_IMAGES_MAX_ATTEMPTS=6): 0.07%
    /// expected failures, and the 99% check fails by chance about once in 2,000 runs.
    @Test(.timeLimit(.minutes(1)))
    func thirtyPercentUpstreamFailuresStillServeNinetyNinePercent() async throws {
        let deadline: Duration = .seconds(8)
        try await withFaultService(emulated: true) { base in
            .init(
                accountID: "emu-account", apiToken: FaultService.apiToken, baseURL: base!, connectTimeout: .seconds(2),
                requestTimeout: .seconds(3), maxAttempts: 6, callDeadline: deadline, retryBaseDelay: .milliseconds(5),
                retryMaxDelay: .milliseconds(40), budgetLimit: 100_000, budgetWindow: .seconds(60))
        } _: { service in
            let emulator = try #require(service.emulator)
            let batches: [(status: Int, retryAfter: Int, count: Int)] = [
                (500, 0, 60), (503, 0, 60), (429, 0, 60), (429, 1, 20),
            ]
            var outcomes: [(TestResponse, Duration)] = []
            for batch in batches {
                try emulator.setFaults(
                    FaultSettings(failureRate: 0.3, failureStatus: batch.status, retryAfterSeconds: batch.retryAfter))
                outcomes += try await inParallel(batch.count, width: 16) { _ in
                    try await service.send("POST", "api/upload-url/", json: Self.uploadBody)
                }
            }
            try emulator.setFaults(.none)

            let created = outcomes.filter { $0.0.status == 201 }
            let failed = outcomes.filter { $0.0.status != 201 }
            #expect(outcomes.count == 200)
            #expect(created.count * 100 >= outcomes.count * 99, "only \(created.count) of \(outcomes.count) succeeded")
            #expect(service.retries.load(ordering: .relaxed) > 0, "no retries: the faults were not injected")
            for (response, _) in failed {
                #expect(
                    [502, 503].contains(response.status) && Self.isCleanError(response),
                    "\(response.status) \(response.text)")
            }
            let slowest = outcomes.map(\.1).max() ?? .zero
            #expect(slowest <= deadline + Self.margin, "a request took \(slowest), over the \(deadline) call deadline")

            // Exactly one row per 201, each the image that answer named.
            let ids = Set(created.compactMap { $0.0.object?.string("id") })
            #expect(ids.count == created.count)
            #expect(try await service.imageRowCount() == created.count)
            let counts = try await service.repository.counts(owner: nil)
            #expect(counts.total == created.count && counts.count(.pending) == created.count)
            for id in ids {
                #expect(try await service.repository.image(.id(UUID(uuidString: id)!), owner: nil) != nil)
            }
        }
    }

    /// Cloudflare unreachable (nothing listens on the port): a 502 JSON error within the call deadline, no row.
    @Test(.timeLimit(.minutes(1)))
    func unreachableCloudflareIsACleanBadGateway() async throws {
        let refusing = try RefusingPort()
        defer { withExtendedLifetime(refusing) {} }
        let port = refusing.port
        let deadline: Duration = .seconds(3)
        try await withFaultService(emulated: false) { _ in
            .init(
                accountID: "acct", apiToken: "cf-secret-token-123", baseURL: "http://127.0.0.1:\(port)/client/v4",
                connectTimeout: .seconds(1), requestTimeout: .seconds(1), maxAttempts: 3, callDeadline: deadline,
                retryBaseDelay: .milliseconds(10), retryMaxDelay: .milliseconds(50))
        } _: { service in
            let outcomes = try await inParallel(6, width: 6) { _ in
                try await service.send("POST", "api/upload-url/", json: Self.uploadBody)
            }
            for (response, elapsed) in outcomes {
                #expect(response.status == 502 && Self.isCleanError(response), "\(response.status) \(response.text)")
                #expect(!response.text.contains("cf-secret-token-123"))
                #expect(elapsed <= deadline + Self.margin, "took \(elapsed), over the \(deadline) call deadline")
            }
            #expect(service.retries.load(ordering: .relaxed) > 0, "a refused connection is retried")
            #expect(try await service.imageRowCount() == 0)
        }
    }

    /// Cloudflare accepts connections and never answers: a 504 JSON error once the call deadline is spent (an
    /// attempt is cut at the deadline, however long its own timeout), no row; meanwhile the list and `/healthz`
    /// answer before any of the hanging calls does.
    @Test(.timeLimit(.minutes(1)))
    func hangingCloudflareTimesOutWhileOtherEndpointsAnswer() async throws {
        let silent = try SilentServer()
        defer { silent.stop() }
        let deadline: Duration = .milliseconds(3500)
        let hanging = 6
        try await withFaultService(emulated: false) { _ in
            // Two attempts of 3 s do not fit in 3.5 s: the second must be cut short at the deadline.
            .init(
                accountID: "acct", apiToken: "cf-secret-token-123", baseURL: silent.baseURL + "/client/v4",
                connectTimeout: .seconds(1), requestTimeout: .seconds(3), maxAttempts: 4, callDeadline: deadline,
                retryBaseDelay: .milliseconds(10), retryMaxDelay: .milliseconds(50))
        } _: { service in
            _ = try await service.send("GET", "api/images/")  // authenticate once, so the token is warm
            let order = Atomic<Int>(0)
            async let uploads = inParallel(hanging, width: hanging) { _ in
                let (response, elapsed) = try await service.send("POST", "api/upload-url/", json: Self.uploadBody)
                return (response, elapsed, order.add(1, ordering: .sequentiallyConsistent).newValue)
            }
            // Bounded wait until every upload-url call is stuck inside Cloudflare.
            for _ in 0..<500 where silent.acceptedConnections < hanging {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(silent.acceptedConnections >= hanging)
            let (list, _) = try await service.send("GET", "api/images/")
            let listed = order.add(1, ordering: .sequentiallyConsistent).newValue
            let (health, _) = try await service.send("GET", "/healthz")
            let healthy = order.add(1, ordering: .sequentiallyConsistent).newValue

            let results = try await uploads
            #expect(list.status == 200 && list.object?["count"] == .int(0))
            #expect(health.status == 200)
            let firstHungAnswer = results.map(\.2).min() ?? 0
            #expect(
                listed < firstHungAnswer && healthy < firstHungAnswer,
                "list \(listed), healthz \(healthy), first upload \(firstHungAnswer)")
            for (response, elapsed, _) in results {
                #expect(response.status == 504 && Self.isCleanError(response), "\(response.status) \(response.text)")
                #expect(!response.text.contains("cf-secret-token-123"))
                #expect(elapsed <= deadline + Self.margin, "took \(elapsed), over the \(deadline) call deadline")
            }
            #expect(try await service.imageRowCount() == 0)
        }
    }
}
