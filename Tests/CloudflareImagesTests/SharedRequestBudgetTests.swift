import CloudflareImages
import Foundation
import Synchronization
import TestSupport
import Testing

/// The budget several processes share through a ledger (here an in-memory one; `CloudflareBudgetStoreTests` run
/// the database's on both backends).
@Suite struct SharedRequestBudgetTests {
    /// A ledger of `limit` requests in all, recording each booking.
    final class Ledger: Sendable {
        let free: Mutex<Int>
        let bookings = Mutex<[(count: Int, limit: Int, window: Duration)]>([])
        let failing = Mutex(false)
        /// Pauses asked for; while one is recorded nothing is granted.
        let pauses = Mutex<[Duration]>([])

        init(free: Int) { self.free = Mutex(free) }

        func book(_ count: Int, _ limit: Int, _ window: Duration) throws -> SharedRequestBudget.Grant {
            struct Unreachable: Error {}
            if failing.withLock({ $0 }) { throw Unreachable() }
            bookings.withLock { $0.append((count, limit, window)) }
            if let paused = pauses.withLock({ $0.last }) {
                return SharedRequestBudget.Grant(count: 0, retryAfter: paused)
            }
            let granted = free.withLock { free in
                let granted = min(count, free)
                free -= granted
                return granted
            }
            return SharedRequestBudget.Grant(count: granted, retryAfter: granted == 0 ? .seconds(42) : nil)
        }
    }

    @Test func requestsAreBookedAChunkAtATimeAndSpentWithinTheirValidity() async {
        let clock = ManualClock()
        let ledger = Ledger(free: 1_000)
        let budget = SharedRequestBudget(limit: 1_200, window: .seconds(300), now: { clock.now }) {
            try ledger.book($0, $1, $2)
        }
        #expect(budget.chunk == 20)
        for _ in 0..<20 { #expect(await budget.take() == nil) }
        #expect(ledger.bookings.withLock { $0.count } == 1)
        // A booking counts for the window and the time it may be spent in.
        #expect(ledger.bookings.withLock { $0[0].window } == .seconds(310))
        #expect(await budget.take() == nil)
        #expect(ledger.bookings.withLock { $0.count } == 2)
        #expect(budget.unspent == 19)
        // What was not spent within the validity is dropped, never sent late.
        clock.advance(.seconds(11))
        #expect(budget.unspent == 0)
        #expect(await budget.take() == nil)
        #expect(ledger.bookings.withLock { $0.count } == 3)
    }

    @Test func anExhaustedLedgerSaysHowLongToWaitAndAnUnreachableOneDoesNotStopCalls() async {
        let ledger = Ledger(free: 3)
        let budget = SharedRequestBudget(limit: 10, window: .seconds(60), chunk: 2) { try ledger.book($0, $1, $2) }
        #expect(await budget.take() == nil)
        #expect(await budget.take() == nil)
        #expect(await budget.take() == nil)  // the last one, granted alone
        #expect(await budget.take() == .seconds(42))
        ledger.failing.withLock { $0 = true }
        #expect(await budget.take() == nil)
    }

    @Test func aClientWhoseSharedBudgetIsSpentSendsNothing() async throws {
        let server = try ScriptedServer { _ in .json(200, envelope(imageJSON)) }
        defer { server.stop() }
        let ledger = Ledger(free: 1)
        let shared = SharedRequestBudget(limit: 10, window: .seconds(60), chunk: 1) { try ledger.book($0, $1, $2) }
        var configuration = try makeClient(baseURL: server.baseURL).configuration
        configuration.maxBudgetWait = .seconds(1)
        let client = try CloudflareClient(
            configuration: configuration, httpClient: sharedHTTPClient, sharedBudget: shared)
        _ = try await client.image(id: "a")
        let error = await cloudflareError { _ = try await client.image(id: "b") }
        // Cloudflare said nothing: the wait is the ledger's, longer than the client may wait.
        #expect(error == .rateLimited(retryAfter: .seconds(42), errors: []))
        #expect(server.requests.count == 1)
    }

    /// Cloudflare's 429 with `Retry-After` to one process pauses the shared ledger: another process's client on it
    /// sends nothing, and the first drops the grants it held.
    @Test func aRateLimitOnOneClientPausesEveryClientOnTheLedger() async throws {
        let server = try ScriptedServer { _ in .json(429, failure(971, "slow down"), headers: [("Retry-After", "30")]) }
        defer { server.stop() }
        let ledger = Ledger(free: 100)
        func client() throws -> (CloudflareClient, SharedRequestBudget) {
            let shared = SharedRequestBudget(
                limit: 100, window: .seconds(60), chunk: 5,
                pause: { duration, _, _ in ledger.pauses.withLock { $0.append(duration) } }
            ) { try ledger.book($0, $1, $2) }
            var configuration = try makeClient(baseURL: server.baseURL).configuration
            configuration.maxAttempts = 1
            configuration.maxBudgetWait = .zero
            return (
                try CloudflareClient(configuration: configuration, httpClient: sharedHTTPClient, sharedBudget: shared),
                shared
            )
        }
        let (first, firstBudget) = try client()
        let (second, _) = try client()
        let refused = await cloudflareError { _ = try await first.signingKeys() }
        #expect(refused == .rateLimited(retryAfter: .seconds(30), errors: [APIError(code: 971, message: "slow down")]))
        #expect(ledger.pauses.withLock { $0 } == [.seconds(30)])
        #expect(firstBudget.unspent == 0)
        let held = await cloudflareError { _ = try await second.signingKeys() }
        #expect(held == .rateLimited(retryAfter: .seconds(30), errors: []))
        #expect(server.requests.count == 1)
        // More 429s within the booked pause book nothing more; a longer one does.
        await firstBudget.pause(for: .seconds(10))
        await firstBudget.pause(for: .seconds(30))
        #expect(ledger.pauses.withLock { $0 } == [.seconds(30)])
        await firstBudget.pause(for: .seconds(120))
        #expect(ledger.pauses.withLock { $0 } == [.seconds(30), .seconds(120)])
    }
}
