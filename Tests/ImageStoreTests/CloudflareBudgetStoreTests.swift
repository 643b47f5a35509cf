import CloudflareImages
import Foundation
import ImageStore
import TestSupport
import Testing

/// The Cloudflare request budget the processes on one database share (#19: 1,200 per 5 minutes per account, not
/// per instance).
@Suite struct CloudflareBudgetStoreTests {
    /// The store's ledger and another instance's on the same database (the same one on SQLite, whose processes
    /// share the file).
    static func ledgers(_ store: BackendStore) -> (any CloudflareBudgetStore, any CloudflareBudgetStore) {
        (store.cloudflareBudget, store.otherInstance() ?? store.cloudflareBudget)
    }

    /// A process's shared budget over `ledger`, booking and pausing at the store's clock (as `serve` composes it).
    static func sharedBudget(
        _ ledger: any CloudflareBudgetStore, _ store: BackendStore, limit: Int, chunk: Int
    ) -> SharedRequestBudget {
        SharedRequestBudget(
            limit: limit, window: .seconds(300), chunk: chunk,
            pause: { duration, limit, window in
                try await ledger.pauseCloudflareRequests(
                    for: duration, limit: limit, window: window, now: store.clock.now)
            }
        ) { count, limit, window in
            let booking = try await ledger.bookCloudflareRequests(
                count, limit: limit, window: window, now: store.clock.now)
            return SharedRequestBudget.Grant(count: booking.granted, retryAfter: booking.retryAfter)
        }
    }

    @Test(arguments: RepositoryBackend.all) func bookingsGrantWhatIsFreeAndFreeUpAfterTheWindow(
        _ backend: RepositoryBackend
    ) async throws {
        let store = try await BackendStore(backend)
        let (ledger, other) = Self.ledgers(store)
        let window = Duration.seconds(300)
        func book(_ ledger: any CloudflareBudgetStore, _ count: Int) async throws -> CloudflareRequestBooking {
            try await ledger.bookCloudflareRequests(count, limit: 10, window: window, now: store.clock.now)
        }
        #expect(try await book(ledger, 4) == CloudflareRequestBooking(granted: 4, retryAfter: nil))
        store.clock.advance(100)
        #expect(try await book(other, 4) == CloudflareRequestBooking(granted: 4, retryAfter: nil))
        // Only 2 are left of 10, whichever instance asks.
        #expect(try await book(ledger, 4) == CloudflareRequestBooking(granted: 2, retryAfter: nil))
        #expect(try await book(other, 1) == CloudflareRequestBooking(granted: 0, retryAfter: .seconds(200)))
        #expect(try await book(ledger, 0).granted == 0)
        // The first booking stops counting a window after it was made.
        store.clock.advance(200)
        #expect(try await book(other, 9) == CloudflareRequestBooking(granted: 4, retryAfter: nil))
        #expect(try await store.scalar("SELECT count(*) FROM cloudflare_request_grants") == 3)
    }

    @Test(arguments: RepositoryBackend.all) func bookingsAtOnceFromTwoInstancesNeverExceedTheLimit(
        _ backend: RepositoryBackend
    ) async throws {
        let store = try await BackendStore(backend)
        let (ledger, other) = Self.ledgers(store)
        let ledgers = [ledger, other]
        let now = store.clock.now
        let granted = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<8 {
                group.addTask {
                    var total = 0
                    for _ in 0..<10 {
                        total += try await ledgers[index % 2].bookCloudflareRequests(
                            7, limit: 100, window: .seconds(300), now: now
                        ).granted
                    }
                    return total
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(granted == 100)
    }

    /// Two processes' clients, each with a `SharedRequestBudget` over its own connection to the database: between
    /// them exactly the limit's worth of calls is let through.
    @Test(arguments: RepositoryBackend.all) func twoSharedBudgetsOnOneDatabaseLetThroughTheLimitBetweenThem(
        _ backend: RepositoryBackend
    ) async throws {
        let store = try await BackendStore(backend)
        let (ledger, other) = Self.ledgers(store)
        let budgets = [ledger, other].map { Self.sharedBudget($0, store, limit: 30, chunk: 4) }
        var taken = 0
        var refused: Duration?
        for round in 0..<40 {
            if let wait = await budgets[round % 2].take() { refused = wait } else { taken += 1 }
        }
        #expect(taken == 30)
        #expect(refused != nil)
    }

    /// A 429 on one instance holds every instance: the pause books the whole limit until its end, whatever is free.
    @Test(arguments: RepositoryBackend.all) func aPauseHoldsEveryInstanceUntilItEnds(
        _ backend: RepositoryBackend
    ) async throws {
        let store = try await BackendStore(backend)
        let (ledger, other) = Self.ledgers(store)
        let window = Duration.seconds(300)
        func book(_ ledger: any CloudflareBudgetStore) async throws -> CloudflareRequestBooking {
            try await ledger.bookCloudflareRequests(5, limit: 1_200, window: window, now: store.clock.now)
        }
        #expect(try await book(other).granted == 5)
        try await ledger.pauseCloudflareRequests(for: .seconds(30), limit: 1_200, window: window, now: store.clock.now)
        for instance in [ledger, other] {
            let refused = try await book(instance)
            #expect(refused.granted == 0)
            #expect(refused.retryAfter.map { $0 > .zero && $0 <= .seconds(30) } == true, "\(refused)")
        }
        store.clock.advance(29)
        #expect(try await book(other).granted == 0)
        store.clock.advance(2)
        #expect(try await book(other) == CloudflareRequestBooking(granted: 5, retryAfter: nil))
        // No pause at all, and a pause already over, book nothing.
        try await ledger.pauseCloudflareRequests(for: .zero, limit: 1_200, window: window, now: store.clock.now)
        try await ledger.pauseCloudflareRequests(for: .seconds(-5), limit: 1_200, window: window, now: store.clock.now)
        #expect(try await book(ledger).granted == 5)
    }

    /// Through `SharedRequestBudget`: one instance's pause drops the grants it holds and refuses the other's next
    /// booking, until the pause is over.
    @Test(arguments: RepositoryBackend.all) func aSharedBudgetsPauseReachesTheOtherInstance(
        _ backend: RepositoryBackend
    ) async throws {
        let store = try await BackendStore(backend)
        let (ledger, other) = Self.ledgers(store)
        let budgets = [ledger, other].map { Self.sharedBudget($0, store, limit: 100, chunk: 10) }
        #expect(await budgets[0].take() == nil)
        #expect(await budgets[1].take() == nil)
        await budgets[0].pause(for: .seconds(60))
        #expect(budgets[0].unspent == 0)
        #expect(await budgets[0].take() != nil)
        // The other instance still holds the 9 requests of its grant; once those are spent it is refused.
        for _ in 0..<9 { #expect(await budgets[1].take() == nil) }
        #expect(await budgets[1].take() != nil)
        store.clock.advance(61)
        #expect(await budgets[1].take() == nil)
    }
}
