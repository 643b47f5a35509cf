import Foundation
import Testing

@testable import ImagesAPI

/// `ListPageCache` on its own: bounds, generations and expiry.
@Suite struct ListPageCacheTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func entry(_ generation: Int64, bytes: Int, validBefore: Date? = nil) -> ListPageCache.Entry {
        .init(generation: generation, validBefore: validBefore, body: [UInt8](repeating: 0x61, count: bytes))
    }

    @Test func staysWithinItsEntryAndByteBoundsDroppingTheLeastRecentlyUsed() {
        let cache = ListPageCache(maxEntries: 8, maxBytes: 4_000)
        for i in 0..<8 { cache.store(Self.entry(1, bytes: 100), for: "page\(i)") }
        #expect(cache.count == 8)
        _ = cache.body(for: "page0", generation: 1, now: Self.now)  // page0 is now the most recently used
        cache.store(Self.entry(1, bytes: 100), for: "page8")
        #expect(cache.count <= 8)
        #expect(cache.body(for: "page0", generation: 1, now: Self.now) != nil)
        #expect(cache.body(for: "page8", generation: 1, now: Self.now) != nil)
        #expect(cache.body(for: "page1", generation: 1, now: Self.now) == nil)

        for i in 0..<40 { cache.store(Self.entry(1, bytes: 900), for: "big\(i)") }
        #expect(cache.byteCount <= 4_000)
        #expect(cache.body(for: "big39", generation: 1, now: Self.now) != nil)
        cache.store(Self.entry(1, bytes: 1_001), for: "too-big")
        #expect(!cache.contains("too-big"))
    }

    @Test func anotherGenerationDropsEverythingHeld() {
        let cache = ListPageCache()
        cache.store(Self.entry(5, bytes: 10), for: "a")
        cache.store(Self.entry(5, bytes: 10), for: "b")
        #expect(cache.body(for: "a", generation: 6, now: Self.now) == nil)
        #expect(cache.count == 0)
        cache.store(Self.entry(7, bytes: 10), for: "a")
        cache.store(Self.entry(8, bytes: 10), for: "b")
        #expect(cache.count == 1)
        #expect(cache.body(for: "b", generation: 8, now: Self.now) != nil)
    }

    @Test func anEntryEndsAtItsValidBefore() {
        let cache = ListPageCache()
        cache.store(Self.entry(1, bytes: 10, validBefore: Self.now.addingTimeInterval(1)), for: "a")
        #expect(cache.body(for: "a", generation: 1, now: Self.now) != nil)
        #expect(cache.body(for: "a", generation: 1, now: Self.now.addingTimeInterval(1)) == nil)
        #expect(cache.count == 0)
    }

    @Test func aZeroSizeCacheKeepsNothing() {
        let cache = ListPageCache(maxBytes: 0)
        cache.store(Self.entry(1, bytes: 0), for: "a")
        #expect(!cache.contains("a"))
        #expect(cache.count == 0)
    }
}
