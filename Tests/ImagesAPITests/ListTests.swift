import Foundation
import HTTPServer
import ImageStore
import JSON
import Testing

@Suite struct ListTests {
    /// Five images for alice (created a minute apart, newest last) and one for bob.
    /// Seeds the images and returns alice's token and the list's absolute URL, as the pagination links spell it.
    static func seededList(_ h: APIHarness) async throws -> (token: String, base: String) {
        let alice = try await h.token("alice")
        _ = try await seed(h)
        return (alice, "http://127.0.0.1:\(h.server.localPort)/cloudflare-images/api/images/")
    }

    static func seed(_ h: APIHarness) async throws -> [ImageRecord] {
        let base = Date(timeIntervalSince1970: 1_800_000_000)
        let specs: [(String, ImageStatus, String, String, [String: JSONValue], Int?, Bool)] = [
            ("cf-a", .pending, "Alpha.PNG", "", ["color": "red"], 10, true),
            ("cf-b", .uploaded, "", "beta.jpg", ["color": "blue", "n": 3], 30, false),
            ("cf-c", .uploaded, "gamma.gif", "", ["nested": ["k": "v"]], 20, true),
            ("cf-d", .draft, "delta.png", "", [:], nil, true),
            ("cf-e", .failed, "epsilon.png", "", [:], 5, false),
        ]
        var records: [ImageRecord] = []
        for (index, spec) in specs.enumerated() {
            let created = base.addingTimeInterval(Double(index) * 60)
            var record = ImageRecord(
                cloudflareID: spec.0, owner: "alice", filename: spec.2, originalFilename: spec.3, fileSize: spec.5,
                uploadURL: "https://upload.example/\(spec.0)", status: spec.1, requireSignedURLs: spec.6,
                metadata: spec.4,
                creator: index.isMultiple(of: 2) ? "team-x" : "team-y", createdAt: created,
                expiresAt: created.addingTimeInterval(1800))
            if spec.1 == .uploaded {
                record.uploadedAt = created.addingTimeInterval(10)
                record.variants = ["https://imagedelivery.net/H/\(spec.0)/public"]
            }
            records.append(try await h.repository.insert(record, log: LogEvent("upload_url_created")))
        }
        _ = try await h.repository.insert(
            ImageRecord(cloudflareID: "cf-bob", owner: "bob", uploadURL: "u", createdAt: base, expiresAt: base),
            log: LogEvent("upload_url_created"))
        return records
    }

    static func ids(_ response: TestResponse) -> [String] {
        guard case .array(let results)? = response.object?["results"] else { return [] }
        return results.compactMap { $0.objectValue?.string("cloudflare_id") }
    }

    @Test func filtersNarrowTheList() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            _ = try await Self.seed(h)
            let cases: [(String, [String])] = [
                ("", ["cf-e", "cf-d", "cf-c", "cf-b", "cf-a"]),
                ("status=uploaded", ["cf-c", "cf-b"]),
                ("status=", ["cf-e", "cf-d", "cf-c", "cf-b", "cf-a"]),
                ("has_variants=true", ["cf-c", "cf-b"]),
                ("has_variants=no", ["cf-e", "cf-d", "cf-a"]),
                ("require_signed_urls=false", ["cf-e", "cf-b"]),
                ("filename=ALPHA", ["cf-a"]),
                ("filename=beta", ["cf-b"]),
                ("creator=team-y", ["cf-d", "cf-b"]),
                ("metadata__color=blue", ["cf-b"]),
                ("metadata__nested__k=v", ["cf-c"]),
                ("search=png", ["cf-e", "cf-d", "cf-a"]),
                ("search=png,team-x", ["cf-e", "cf-a"]),
                ("uploaded_after=2027-01-15T08:01:00Z", ["cf-c", "cf-b"]),
                ("uploaded_after=2027-01-15T08:01:30Z", ["cf-c"]),
                ("uploaded_before=2027-01-15T08:01:30%2B00:00", ["cf-b"]),
                ("ordering=file_size", ["cf-d", "cf-e", "cf-a", "cf-c", "cf-b"]),
                ("ordering=-file_size", ["cf-b", "cf-c", "cf-a", "cf-e", "cf-d"]),
                ("ordering=created_at", ["cf-a", "cf-b", "cf-c", "cf-d", "cf-e"]),
            ]
            for (query, expected) in cases {
                let response = try await h.send("GET", "api/images/?\(query)", token: alice)
                #expect(response.status == 200, "\(query)")
                #expect(Self.ids(response) == expected, "\(query)")
            }
        }
    }

    @Test func invalidFilterValuesAre400NamingThem() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            let cases: [(String, String)] = [
                ("status=bogus", #"{"status":["\"bogus\" is not a valid choice."]}"#),
                (
                    "uploaded_after=yesterday",
                    #"{"uploaded_after":["Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."]}"#
                ),
                (
                    "has_variants=maybe&require_signed_urls=2",
                    #"{"has_variants":["Must be a valid boolean."],"require_signed_urls":["Must be a valid boolean."]}"#
                ),
                ("ordering=-name", #"{"ordering":["\"-name\" is not a valid choice."]}"#),
                ("metadata__a__contains=x", #"{"metadata__a__contains":"Unsupported metadata lookup operator."}"#),
                ("metadata__=x", #"{"metadata__":"Unsupported metadata lookup."}"#),
                ("search=a%00b", #"["Null characters are not allowed."]"#),
                // Pagination bounds as openapi.yaml states them, checked whichever style ends up used.
                ("page_size=0", #"{"page_size":["Ensure this value is greater than or equal to 1."]}"#),
                ("page_size=1.0", #"{"page_size":["A valid integer is required."]}"#),
                (
                    "limit=0&offset=-1",
                    #"{"limit":["Ensure this value is greater than or equal to 1."],"offset":["Ensure this value is greater than or equal to 0."]}"#
                ),
                ("page=1&offset=x", #"{"offset":["A valid integer is required."]}"#),
                ("offset=2147483648", #"{"offset":["Ensure this value is less than or equal to 2147483647."]}"#),
            ]
            for (query, expected) in cases {
                let response = try await h.send("GET", "api/images/?\(query)", token: alice)
                #expect(response.status == 400, "\(query)")
                #expect(response.text == expected, "\(query)")
            }
        }
    }

    @Test func pageNumberPaginationLinks() async throws {
        try await withHarness { h in
            let (alice, base) = try await Self.seededList(h)
            let first = try await h.send("GET", "api/images/?page_size=2&z=1&a=b%20c", token: alice)
            #expect(first.object?["count"] == .int(5))
            #expect(first.object?["next"] == .string(base + "?a=b+c&page=2&page_size=2&z=1"))
            #expect(first.object?["previous"] == .null)
            let second = try await h.send("GET", "api/images/?page_size=2&page=2&a=b%20c", token: alice)
            #expect(Self.ids(second) == ["cf-c", "cf-b"])
            #expect(second.object?["next"] == .string(base + "?a=b+c&page=3&page_size=2"))
            #expect(second.object?["previous"] == .string(base + "?a=b+c&page_size=2"))
            let last = try await h.send("GET", "api/images/?page_size=2&page=last", token: alice)
            #expect(Self.ids(last) == ["cf-a"])
            #expect(last.object?["next"] == .null)
            #expect(last.object?["previous"] == .string(base + "?page=2&page_size=2"))
            for bad in ["page=4&page_size=2", "page=0", "page=x"] {
                let response = try await h.send("GET", "api/images/?\(bad)", token: alice)
                #expect(response.status == 404, "\(bad)")
                #expect(response.text == #"{"detail":"Invalid page."}"#)
            }
            let capped = try await h.send("GET", "api/images/?page_size=1000", token: alice)
            #expect(Self.ids(capped).count == 5)
            let empty = try await h.send("GET", "api/images/", token: try await h.token("nobody"))
            #expect(empty.text == #"{"count":0,"next":null,"previous":null,"results":[]}"#)
        }
    }

    @Test func limitOffsetPaginationLinks() async throws {
        try await withHarness { h in
            let (alice, base) = try await Self.seededList(h)
            let first = try await h.send("GET", "api/images/?limit=2", token: alice)
            #expect(Self.ids(first) == ["cf-e", "cf-d"])
            #expect(first.object?["next"] == .string(base + "?limit=2&offset=2"))
            #expect(first.object?["previous"] == .null)
            let middle = try await h.send("GET", "api/images/?limit=2&offset=2&status=", token: alice)
            #expect(Self.ids(middle) == ["cf-c", "cf-b"])
            #expect(middle.object?["next"] == .string(base + "?limit=2&offset=4&status="))
            #expect(middle.object?["previous"] == .string(base + "?limit=2&status="))
            let end = try await h.send("GET", "api/images/?limit=2&offset=3", token: alice)
            #expect(Self.ids(end) == ["cf-b", "cf-a"])
            #expect(end.object?["next"] == .null)
            #expect(end.object?["previous"] == .string(base + "?limit=2&offset=1"))
        }
    }

    @Test func filtersAlsoNarrowDetailRoutes() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            let records = try await Self.seed(h)
            let id = ImageSerializerID.string(records[1].id)
            #expect(try await h.send("GET", "api/images/\(id)/?status=uploaded", token: alice).status == 200)
            #expect(try await h.send("GET", "api/images/\(id)/?status=failed", token: alice).status == 404)
            #expect(try await h.send("GET", "api/images/\(id)/?search=zzz", token: alice).status == 404)
            #expect(try await h.send("GET", "api/images/\(id)/?status=bogus", token: alice).status == 400)
        }
    }
}

enum ImageSerializerID {
    static func string(_ id: UUID) -> String { id.uuidString.lowercased() }
}
