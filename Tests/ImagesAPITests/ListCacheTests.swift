import Configuration
import Foundation
import ImageStore
import ImagesAPI
import JSON
import SQLite
import TestSupport
import Testing

/// List responses come from `ListPageCache` only while nothing they were built from has changed.
@Suite struct ListCacheTests {
    static func bodies(_ h: APIHarness, _ token: String, _ query: String = "") async throws -> TestResponse {
        let response = try await h.send("GET", "api/images/" + query, token: token)
        #expect(response.status == 200)
        return response
    }

    @Test func aRepeatedPageIsTheSameAndAnyChangeShowsAtOnce() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            let records = try await ListTests.seed(h)
            let first = try await Self.bodies(h, alice, "?page_size=2&page=2")
            #expect(try await Self.bodies(h, alice, "?page_size=2&page=2").body == first.body)
            #expect(h.api.cachedListPages > 0)

            // A change through the API, then one through the repository: each shows on the next request.
            let patched = try await h.send(
                "PATCH", "api/images/\(records[2].id.lowercasedText)/", token: alice,
                json: #"{"filename":"renamed.gif"}"#)
            #expect(patched.status == 200)
            let afterPatch = try await Self.bodies(h, alice, "?page_size=2&page=2")
            #expect(afterPatch.text.contains("renamed.gif"))
            _ = try await h.repository.delete(.id(records[1].id), owner: nil)
            #expect(ListTests.ids(try await Self.bodies(h, alice, "?page_size=2&page=2")) == ["cf-c", "cf-a"])
        }
    }

    @Test(.disabled(if: APIBackend.isPostgreSQL, "looks at SQLite itself")) func aWriteByAnotherConnectionShowsAtOnce()
        async throws
    {
        try await withHarness { h in
            let alice = try await h.token("alice")
            _ = try await ListTests.seed(h)
            let before = try await Self.bodies(h, alice)
            #expect(try await Self.bodies(h, alice).body == before.body)
            // Another process (here: another connection to the same file) renames an image behind our back.
            let other = try Database(path: h.fixture.directory + "/cfimages.sqlite", readerCount: 1)
            defer { other.close() }
            try await other.write {
                try $0.execute("UPDATE images SET filename = 'elsewhere.png' WHERE cloudflare_id = 'cf-e'", [])
            }
            #expect(try await Self.bodies(h, alice).text.contains("elsewhere.png"))
        }
    }

    @Test func anImageExpiringIntoThePageEndsItsCaching() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            let now = h.clock.now
            _ = try await h.repository.insert(
                ImageRecord(
                    cloudflareID: "cf-soon", owner: "alice", uploadURL: "u", createdAt: now,
                    expiresAt: now.addingTimeInterval(30)),
                log: LogEvent("upload_url_created"))
            let fresh = try await Self.bodies(h, alice)
            #expect(fresh.text.contains(#""is_expired":false"#))
            #expect(try await Self.bodies(h, alice).body == fresh.body)
            h.clock.advance(31)
            #expect(try await Self.bodies(h, alice).text.contains(#""is_expired":true"#))
        }
    }

    @Test func callersAndHostsDoNotShareEntries() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            let bob = try await h.token("bob")
            _ = try await ListTests.seed(h)
            #expect(ListTests.ids(try await Self.bodies(h, alice)).count == 5)
            #expect(ListTests.ids(try await Self.bodies(h, bob)) == ["cf-bob"])
            let viaProxy = try await h.send(
                "GET", "api/images/?page_size=1", token: alice, headers: [("X-Forwarded-Proto", "https")])
            #expect(viaProxy.object?.string("next")?.hasPrefix("https://") == true)
            let direct = try await h.send("GET", "api/images/?page_size=1", token: alice)
            #expect(direct.object?.string("next")?.hasPrefix("http://") == true)
        }
    }

    @Test func aZeroSizeTurnsTheCacheOff() async throws {
        try await withHarness(configure: { $0.listCacheMB = 0 }) { h in
            let alice = try await h.token("alice")
            _ = try await ListTests.seed(h)
            let first = try await Self.bodies(h, alice)
            #expect(try await Self.bodies(h, alice).body == first.body)
            #expect(h.api.cachedListPages == 0)
        }
    }

    @Test func pagesOfAnOlderGenerationAreDroppedNotKept() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            _ = try await ListTests.seed(h)
            for page in 1...3 { _ = try await Self.bodies(h, alice, "?page_size=1&page=\(page)") }
            #expect(h.api.cachedListPages == 3)
            _ = try await h.createUpload(alice)
            _ = try await Self.bodies(h, alice, "?page_size=1&page=1")
            #expect(h.api.cachedListPages == 1)
        }
    }
}
