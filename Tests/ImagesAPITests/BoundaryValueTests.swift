import Foundation
import ImageStore
import JSON
import Testing

/// Every query parameter of every endpoint, and every numeric JSON field, with the boundary values of
/// ``HostileValues/boundaryText`` and ``HostileValues/boundaryJSON``: no answer is a 5xx, the server keeps answering,
/// and a refused request leaves the store as it was. One line per route in ``routes``: add a parameter, add it here.
@Suite struct BoundaryValueTests {
    struct Route: Sendable, CustomStringConvertible {
        let method: String
        let path: String
        let parameters: [String]
        var admin = false
        var body: String? = nil
        var description: String { "\(method) \(path)" }
    }

    static let filters = [
        "status", "uploaded_after", "uploaded_before", "created_after", "created_before", "expires_after",
        "expires_before",
        "owner", "has_variants", "require_signed_urls", "filename", "creator",
        "metadata__k", "metadata__a__b", "ordering", "search",
    ]

    static let routes: [Route] = [
        Route(method: "GET", path: "api/images/", parameters: filters + ["page", "page_size", "limit", "offset"]),
        Route(method: "GET", path: "api/images/{id}/", parameters: filters),
        Route(method: "GET", path: "api/images/by-cloudflare-id/{cf}/", parameters: filters),
        Route(method: "GET", path: "api/images/{id}/logs/", parameters: ["limit", "page"]),
        Route(
            method: "GET", path: "api/images/{id}/url/",
            parameters: [
                "variant", "expiry", "width", "w", "height", "h", "fit", "format", "f", "quality", "q", "gravity", "g",
                "dpr",
                "blur", "sharpen", "rotate", "brightness", "contrast", "gamma", "background", "trim", "trim_color",
                "trim_tolerance", "border", "border_width", "border_color", "pad", "crop",
            ]),
        Route(
            method: "GET", path: "api/images/{pub}/url/",
            parameters: [
                "variant", "expiry", "width", "height", "quality", "dpr", "blur", "rotate", "sharpen", "pad", "crop",
                "border",
            ]),
        Route(
            method: "GET", path: "api/images/{pub}/srcset/",
            parameters: [
                "widths", "sizes", "formats", "format", "quality", "alt", "class", "lazy",
            ]),
        Route(method: "GET", path: "api/stats/", parameters: ["owner", "page"]),
        Route(
            method: "POST", path: "api/images/bulk_status_check/", parameters: filters,
            body: #"{"image_ids":["00000000-0000-4000-8000-000000000001"]}"#),
        Route(
            method: "POST", path: "api/images/bulk_delete/", parameters: filters,
            body: #"{"ids":["00000000-0000-4000-8000-000000000001"]}"#),
        Route(method: "POST", path: "api/cleanup-expired/", parameters: ["days", "dry_run"], admin: true),
        Route(method: "GET", path: "api/events/", parameters: ["limit"], admin: true),
    ]

    @Test func theFuzzDictionaryIsRead() {
        let names = FuzzDictionary.boundaries.entries.map(\.name)
        #expect(names.count >= 39 && names.contains("int_max") && names.contains("arabic_digits"), "\(names)")
        #expect(FuzzDictionary.boundaries.entries.first { $0.name == "tab" }?.raw == "\t5")
    }

    @Test(arguments: routes)
    func boundaryValuesInEveryQueryParameter(_ route: Route) async throws {
        try await withHostileHarness { h in
            let alice = try await h.token("alice", admin: route.admin)
            let ids = try await Self.images(h, alice)
            let checker = CaseChecker(harness: h)
            let before = try await h.snapshot()
            for name in route.parameters {
                for (label, raw) in HostileValues.boundaryText {
                    let path = Self.fill(route.path, ids) + "?" + name + "=" + HostileValues.escape(raw)
                    let response = try await h.send(route.method, path, token: alice, json: route.body)
                    try await checker.check("\(route) \(name)=\(label)", response, before: before, readOnly: true)
                }
            }
            #expect(try await h.send("GET", "/healthz").status == 200)
            checker.finish()
        }
    }

    /// The numeric fields of every body endpoint, with numbers at and past every integer boundary.
    static let numericFields: [(method: String, path: String, field: String, base: String)] = [
        ("POST", "api/upload-url/", "expiry_minutes", ""),
        ("PATCH", "api/images/{id}/", "file_size", ""),
        ("PUT", "api/images/{id}/", "file_size", #""filename":"a.png","#),
        ("POST", "api/images/bulk_delete/", "force", #""ids":["00000000-0000-4000-8000-000000000001"],"#),
        ("POST", "api/images/bulk_delete/", "ids", ""),
        ("POST", "api/images/bulk_status_check/", "image_ids", ""),
    ]

    @Test func boundaryNumbersInEveryNumericBodyField() async throws {
        try await withHostileHarness { h in
            let alice = try await h.token("alice")
            let checker = CaseChecker(harness: h)
            for (method, path, field, base) in Self.numericFields {
                for (label, json) in HostileValues.boundaryJSON {
                    let ids = try await Self.images(h, alice)
                    let before = try await h.snapshot()
                    let body = "{" + base + "\"\(field)\":" + json + "}"
                    let response = try await h.send(method, Self.fill(path, ids), token: alice, json: body)
                    try await checker.check(
                        "\(method) \(path) \(field)=\(label)", response, before: before, readOnly: false)
                    // Out-of-range numbers are refused, never stored clamped or wrapped.
                    if ["Int.max+1", "Int.min-1", "1e400", "10^23", "2^64"].contains(label) {
                        #expect((400..<500).contains(response.status), "\(path) \(field)=\(label): \(response.status)")
                    }
                }
            }
            checker.finish()
        }
    }

    /// The requests this issue found killing the process, by name.
    @Test func pagesAndOffsetsPastIntMaxAreRefusedCleanly() async throws {
        try await withHostileHarness { h in
            let alice = try await h.token("alice")
            _ = try await h.upload(alice)
            for query in [
                "page=9223372036854775807", "page=9223372036854775806&page_size=100", "page=4611686018427387904",
            ] {
                let response = try await h.send("GET", "api/images/?\(query)", token: alice)
                #expect(response.status == 404, "\(query): \(response.status) \(response.text)")
                #expect(response.object?.string("detail") == "Invalid page.")
            }
            for query in ["offset=9223372036854775807", "offset=9223372036854775807&limit=100", "offset=2147483648"] {
                let response = try await h.send("GET", "api/images/?\(query)", token: alice)
                #expect(response.status == 400, "\(query): \(response.status) \(response.text)")
                #expect(response.object?["offset"] != nil, "\(response.text)")
            }
            let atBound = try await h.send("GET", "api/images/?offset=2147483647&limit=100", token: alice)
            #expect(atBound.status == 200, "\(atBound.text)")
            #expect(atBound.object?["results"] == .array([]))
            for terms in [Array(repeating: "a", count: 2_000), (0..<33).map { "t\($0)" }] {
                let search = try await h.send("GET", "api/images/?search=" + terms.joined(separator: ","), token: alice)
                #expect(search.status == 400, "\(search.status) \(search.text.prefix(200))")
                #expect(search.object?["search"] != nil)
            }
            let allowed = try await h.send(
                "GET", "api/images/?search=" + (0..<32).map { "t\($0)" }.joined(separator: "+"), token: alice)
            #expect(allowed.status == 200, "\(allowed.text.prefix(200))")
            let longTerm = try await h.send(
                "GET", "api/images/?search=" + String(repeating: "a", count: 70_000), token: alice)
            #expect(longTerm.status == 400 || longTerm.status == 414, "\(longTerm.status)")
            let manyFilters = (0..<21).map { "metadata__k\($0)=v" }.joined(separator: "&")
            let filters = try await h.send("GET", "api/images/?\(manyFilters)", token: alice)
            #expect(filters.status == 400, "\(filters.status) \(filters.text.prefix(200))")
            #expect(try await h.send("GET", "/healthz").status == 200)
        }
    }

    struct Images {
        let pending: (id: String, cloudflareID: String)
        let publicUploaded: String
    }

    /// A pending private image and an uploaded public one (with stored variants), both alice's.
    static func images(_ h: HostileHarness, _ token: String) async throws -> Images {
        let pending = try await h.upload(token)
        let uploaded = try await h.upload(token, #"{"require_signed_urls": false}"#)
        guard let id = UUID(uuidString: uploaded.id) else { throw HarnessError("bad id \(uploaded.id)") }
        let variants = ["public", "thumbnail"].map { "https://imagedelivery.net/hash/\(uploaded.cloudflareID)/\($0)" }
        _ = try await h.fixture.repository.transition(
            .id(id), owner: nil, to: .uploaded(.init(uploadedAt: Date(), variants: variants)),
            log: LogEvent("test_uploaded", message: "uploaded by the test"))
        return Images(pending: pending, publicUploaded: uploaded.id)
    }

    static func fill(_ path: String, _ images: Images) -> String {
        path.replacingOccurrences(of: "{id}", with: images.pending.id)
            .replacingOccurrences(of: "{cf}", with: images.pending.cloudflareID)
            .replacingOccurrences(of: "{pub}", with: images.publicUploaded)
    }
}
