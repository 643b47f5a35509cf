import Testing

@testable import CloudflareImages

/// Cloudflare's rate-limit headers (API limits page): `Ratelimit: "default";r=<left>;t=<reset>` on every answer,
/// `Retry-After` on a 429. The client stops calling when the quota reaches zero instead of overrunning it (which
/// blocks every call for five minutes), and during a block fails fast without reaching Cloudflare.
@Suite struct RateLimitHeaderTests {
    @Test func parsesCloudflaresExampleAndKeepsTheTightestItem() {
        #expect(RateLimitStatus(header: #""default";r=50;t=30"#) == RateLimitStatus(remaining: 50, resetSeconds: 30))
        #expect(
            RateLimitStatus(header: #""burst";r=9;t=1, "default";r=0;t=200"#)
                == RateLimitStatus(remaining: 0, resetSeconds: 200))
        #expect(RateLimitStatus(header: #"default; t=5 ; r=3"#) == RateLimitStatus(remaining: 3, resetSeconds: 5))
        #expect(RateLimitStatus(header: #""default";r=1;t=999999999"#)?.resetSeconds == 86_400)
    }

    @Test(arguments: [
        "", "garbage", #""default""#, #""default";r=1"#, #""default";r=-1;t=3"#, #""default";r=x;t=3"#,
        #""default";r=99999999999999999999999;t=3"#, ";;;,,,==", #""default";r=;t="#,
    ])
    func refusesWhatItCannotRead(_ header: String) {
        #expect(RateLimitStatus(header: header) == nil)
    }

    @Test func generatedHeadersNeverTrap() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array(#"r=t;,"default 0123456789-"#)
        for _ in 0..<5_000 {
            let length = Int.random(in: 0..<40, using: &generator)
            let text = String((0..<length).map { _ in alphabet.randomElement(using: &generator) ?? " " })
            if let status = RateLimitStatus(header: text) {
                #expect(status.remaining >= 0 && status.resetSeconds >= 0 && status.resetSeconds <= 86_400)
            }
        }
    }

    @Test func aSpentQuotaStopsCallsUntilItResets() async throws {
        let server = try ScriptedServer { _ in
            .json(
                200, envelope(#"{"count":{"allowed":10,"current":1}}"#),
                headers: [("Ratelimit", #""default";r=0;t=40"#)])
        }
        defer { server.stop() }
        let client = try makeClient(baseURL: server.baseURL) { $0.maxBudgetWait = .zero }
        _ = try await client.accountStats()
        let second = await cloudflareError { _ = try await client.accountStats() }
        guard case .rateLimited(let retryAfter?, let errors) = second else {
            Issue.record("expected a local refusal, got \(String(describing: second))")
            return
        }
        #expect(errors.isEmpty)
        #expect(retryAfter > .seconds(30) && retryAfter <= .seconds(40))
        #expect(server.requests.count == 1)
    }

    @Test func aQuotaAboveZeroDoesNotPause() async throws {
        let server = try ScriptedServer { _ in
            .json(
                200, envelope(#"{"count":{"allowed":10,"current":1}}"#),
                headers: [("Ratelimit", #""default";r=1;t=40"#)])
        }
        defer { server.stop() }
        let client = try makeClient(baseURL: server.baseURL) { $0.maxBudgetWait = .zero }
        for _ in 0..<3 { _ = try await client.accountStats() }
        #expect(server.requests.count == 3)
    }

    @Test func a429WithoutRetryAfterWaitsForTheRatelimitReset() async throws {
        let server = try ScriptedServer { _ in
            .json(
                429, failure(971, "Please wait and consider throttling your request speed"),
                headers: [("Ratelimit", #""default";r=0;t=120"#)])
        }
        defer { server.stop() }
        let client = try makeClient(baseURL: server.baseURL) { $0.maxBudgetWait = .zero }
        let first = await cloudflareError { _ = try await client.accountStats() }
        #expect(
            first
                == .rateLimited(
                    retryAfter: .seconds(120),
                    errors: [APIError(code: 971, message: "Please wait and consider throttling your request speed")]))
        // A 120 s wait is past the call deadline: one request, no retries into the block.
        #expect(server.requests.count == 1)
    }

    @Test func thePerSecondCapPacesCallsWithoutRefusing() async throws {
        let server = try ScriptedServer { _ in .json(200, envelope(#"{"count":{"allowed":10,"current":1}}"#)) }
        defer { server.stop() }
        let events = EventLog()
        // A frozen clock: however slow the machine, calls 3 and 4 find the second spent and wait a second each.
        let frozen = ContinuousClock.now
        let budget = RequestBudget(
            limit: 1200, window: .seconds(300), burst: .init(count: 2, window: .seconds(1)), now: { frozen })
        let client = try makeClient(baseURL: server.baseURL, events: events, budget: budget) {
            $0.maxBudgetWait = .seconds(5)
        }
        for _ in 0..<4 { _ = try await client.accountStats() }
        #expect(server.requests.count == 4)
        #expect(events.budgetWaits == 2)
    }

    @Test func theConfiguredPerSecondCapIsTheBudgetsBurst() throws {
        let client = try makeClient(baseURL: "http://127.0.0.1:9") { $0.requestsPerSecond = 7 }
        #expect(client.budget.burst == RequestBudget.Limit(count: 7, window: .seconds(1)))
        let uncapped = try makeClient(baseURL: "http://127.0.0.1:9") { $0.requestsPerSecond = nil }
        #expect(uncapped.budget.burst == nil)
    }
}
