import Foundation
import JSON
import Testing

@testable import ImagesAPI

/// HTTP caching as the seeds list it: an `ETag` on `GET` of an image, a list page, stats, usages and the OpenAPI
/// document; `If-None-Match` answered 304 with no body; `Cache-Control: private, no-cache` on per-user answers and a
/// long public cache on the document; the same validators on the immediate path and from the list cache.
@Suite struct ConditionalGetTests {
    func header(_ response: TestResponse, _ name: String) -> String? { response.header(name) }

    @Test func anImageRevalidatesWithItsETagOnEitherPath() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            let id = try #require(try await h.createUpload(alice, #"{"custom_id":"cached-one"}"#).string("id"))
            let first = try await h.send("GET", "api/images/\(id)/", token: alice)
            let tag = try #require(header(first, "ETag"))
            #expect(tag.count == 18 && tag.hasPrefix("\"") && tag.hasSuffix("\""))
            #expect(header(first, "Cache-Control") == "private, no-cache")
            // The second request takes the immediate path (its token is cached now): the same tag.
            let second = try await h.send("GET", "api/images/\(id)/", token: alice)
            #expect(header(second, "ETag") == tag && second.body == first.body)
            for value in [tag, "W/\(tag)", "\"0000000000000000\", \(tag)", "*"] {
                let revalidated = try await h.send(
                    "GET", "api/images/\(id)/", token: alice, headers: [("If-None-Match", value)])
                #expect(revalidated.status == 304, "\(value)")
                #expect(revalidated.body.isEmpty && header(revalidated, "ETag") == tag)
            }
            let stale = try await h.send(
                "GET", "api/images/\(id)/", token: alice, headers: [("If-None-Match", "\"0000000000000000\"")])
            #expect(stale.status == 200 && stale.body == first.body)
            // A change is a new version.
            _ = try await h.send("PATCH", "api/images/\(id)/", token: alice, json: #"{"filename":"renamed.png"}"#)
            let changed = try await h.send("GET", "api/images/\(id)/", token: alice, headers: [("If-None-Match", tag)])
            #expect(changed.status == 200 && header(changed, "ETag") != tag)
            // Errors carry no validator.
            let missing = try await h.send(
                "GET", "api/images/\(UUID().uuidString.lowercased())/", token: alice, headers: [("If-None-Match", "*")])
            #expect(missing.status == 404 && header(missing, "ETag") == nil)
        }
    }

    @Test func listsStatsUsagesAndTheDocumentRevalidate() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            _ = try await h.createUpload(alice, #"{"custom_id":"listed"}"#)
            for path in [
                "api/images/?page=1", "api/images/orphans/", "api/stats/", "api/usages/",
                "api/images/by-cloudflare-id/listed/",
            ] {
                let first = try await h.send("GET", path, token: alice)
                let tag = try #require(header(first, "ETag"), "\(path)")
                #expect(header(first, "Cache-Control") == "private, no-cache", "\(path)")
                // Twice: the second list page comes from the list cache, with the same validator.
                for _ in 0..<2 {
                    #expect(
                        try await h.send("GET", path, token: alice, headers: [("If-None-Match", tag)]).status == 304,
                        "\(path)")
                }
            }
            let document = try await h.send("GET", "api/openapi.yaml")
            #expect(header(document, "Cache-Control") == "public, max-age=86400")
            let tag = try #require(header(document, "ETag"))
            #expect(try await h.send("GET", "api/openapi.yaml", headers: [("If-None-Match", tag)]).status == 304)
            let head = try await h.send("HEAD", "api/openapi.yaml", headers: [("If-None-Match", tag)])
            #expect(head.status == 304)
        }
    }

    @Test func entityTagsAndTheirComparison() {
        // FNV-1a 64's published values.
        #expect(ConditionalGet.entityTag([]) == "\"cbf29ce484222325\"")
        #expect(ConditionalGet.entityTag(Array("a".utf8)) == "\"af63dc4c8601ec8c\"")
        #expect(ConditionalGet.matches(" W/\"x\" , \"y\"", "\"y\"") && ConditionalGet.matches("*", "\"z\""))
        #expect(!ConditionalGet.matches("\"x\"", "\"y\"") && !ConditionalGet.matches("", "\"y\""))
    }
}
