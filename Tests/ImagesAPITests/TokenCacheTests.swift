import Testing

@testable import ImagesAPI

/// A cached token's age counts from the start of the database check that found it, so a lookup that was slow (a
/// loaded machine, a busy database) does not stretch the time a revoked token keeps working.
@Suite struct TokenCacheTests {
    let alice = Caller(userName: "alice", isAdmin: false)

    @Test func entryAgeCountsFromTheStartOfTheCheck() {
        let cache = TokenCache(ttl: .seconds(5))
        let now = ContinuousClock.now
        cache.store(alice, for: "fresh", checked: now)
        #expect(cache.caller(for: "fresh") == alice)
        // A check that began a whole TTL ago (it took that long to answer) is not cached at all.
        cache.store(alice, for: "slow", checked: now - .seconds(5))
        #expect(cache.caller(for: "slow") == nil)
        cache.store(alice, for: "slower", checked: now - .seconds(60))
        #expect(cache.caller(for: "slower") == nil)
    }

    @Test func zeroTTLCachesNothingAndAFullCacheEmpties() {
        let off = TokenCache(ttl: .zero)
        off.store(alice, for: "k", checked: .now)
        #expect(off.caller(for: "k") == nil)
        let small = TokenCache(ttl: .seconds(60), capacity: 2)
        small.store(alice, for: "a", checked: .now)
        small.store(alice, for: "b", checked: .now)
        small.store(alice, for: "c", checked: .now)
        #expect(small.caller(for: "a") == nil && small.caller(for: "c") == alice)
    }
}
