import Foundation
import JSON
import TestSupport
import Testing

/// Hostile query strings, path parameters, raw request lines and headers, and huge bulk lists, over the real server.
/// Each case must answer below 500 and leave the store unchanged (every route here is read-only for these inputs).
@Suite struct HostileRequestTests {
    /// A route reading the image filters; `{id}`/`{cf}` name an existing image of the caller.
    struct QueryRoute: Sendable, CustomStringConvertible {
        let method: String
        let path: String
        var body: String? = nil
        var description: String { "\(method) \(path)" }
    }

    static let queryRoutes: [QueryRoute] = [
        QueryRoute(method: "GET", path: "api/images/"),
        QueryRoute(method: "GET", path: "api/images/{id}/"),
        QueryRoute(method: "GET", path: "api/images/by-cloudflare-id/{cf}/"),
        QueryRoute(
            method: "POST", path: "api/images/bulk_delete/", body: #"{"ids":["00000000-0000-4000-8000-000000000001"]}"#),
        QueryRoute(
            method: "POST", path: "api/images/bulk_status_check/",
            body: #"{"image_ids":["00000000-0000-4000-8000-000000000001"]}"#),
    ]

    static let queryParameters = [
        "status", "uploaded_after", "uploaded_before", "created_after", "created_before", "expires_after",
        "expires_before",
        "owner", "has_variants", "require_signed_urls", "filename", "creator",
        "metadata__k", "metadata__a__b", "ordering", "search", "page", "page_size", "limit", "offset",
    ]

    /// Every parameter with every value (text values escaped, raw escapes as they are), then hostile names.
    static var queries: [(label: String, query: String)] {
        var result: [(String, String)] = []
        let values = HostileValues.text.map { ($0.name, HostileValues.escape($0.raw)) } + HostileValues.encoded
        for name in queryParameters {
            for (valueName, escaped) in values { result.append(("\(name)=\(valueName)", "\(name)=\(escaped)")) }
        }
        for (valueName, escaped) in values {
            result.append(("name \(valueName)", "\(escaped)=1"))
            result.append(("metadata__ \(valueName)", "metadata__\(escaped)=1"))
            result.append(("metadata__ lookup \(valueName)", "metadata__k__\(escaped)__in=1"))
        }
        result.append(("many params", (0..<500).map { "metadata__k\($0)=v" }.joined(separator: "&")))
        result.append(
            ("deep metadata path", "metadata__" + Array(repeating: "a", count: 300).joined(separator: "__") + "=1"))
        result.append(("repeated", Array(repeating: "status=pending", count: 300).joined(separator: "&")))
        result.append(("bare separators", "&&&=&=="))
        return result
    }

    @Test(arguments: queryRoutes)
    func hostileQueryStrings(_ route: QueryRoute) async throws {
        try await withHostileHarness { h in
            let alice = try await h.token("alice")
            let uploaded = try await h.upload(alice)
            let fixture = AccessControlTests.Fixture(id: uploaded.id, cloudflareID: uploaded.cloudflareID)
            let checker = CaseChecker(harness: h)
            let before = try await h.snapshot()
            for (label, query) in Self.queries {
                let response = try await h.send(
                    route.method, fixture.fill(route.path) + "?" + query, token: alice,
                    json: route.body)
                try await checker.check("\(route) ?\(label)", response, before: before, readOnly: true)
            }
            checker.finish()
        }
    }

    /// Detail routes with the id (or Cloudflare id) replaced by a hostile segment.
    static let pathTemplates: [(method: String, path: String)] = [
        ("GET", "api/images/{seg}/"), ("PUT", "api/images/{seg}/"), ("PATCH", "api/images/{seg}/"),
        ("DELETE", "api/images/{seg}/"), ("GET", "api/images/{seg}/logs/"), ("POST", "api/images/{seg}/check_status/"),
        ("DELETE", "api/images/{seg}/delete_from_cloudflare/"), ("GET", "api/images/by-cloudflare-id/{seg}/"),
        ("GET", "api/images/by-cloudflare-id/{seg}"), ("GET", "api/images/by-cloudflare-id/x/{seg}/"),
    ]

    static var segments: [(label: String, escaped: String)] {
        HostileValues.text.map { ($0.name, HostileValues.escape($0.raw)) } + HostileValues.encoded + [
            ("very-long", String(repeating: "a", count: 7000)),
            ("uuid+nul", "00000000-0000-4000-8000-000000000001%00"),
            ("uuid-braces", "%7B00000000-0000-4000-8000-000000000001%7D"),
            ("dotdot-encoded", "%2E%2E"), ("semicolon", "a;b=c"), ("empty", ""),
            ("unicode", "%E2%80%AE%F0%9F%98%80"), ("space", "a%20b"), ("plus", "a+b"),
        ]
    }

    @Test func hostilePathParameters() async throws {
        try await withHostileHarness { h in
            let alice = try await h.token("alice")
            _ = try await h.upload(alice)
            _ = try await h.upload(alice, #"{"custom_id":"odd id/with slash"}"#)
            let checker = CaseChecker(harness: h)
            let before = try await h.snapshot()
            for (method, template) in Self.pathTemplates {
                for (label, escaped) in Self.segments {
                    let path = template.replacingOccurrences(of: "{seg}", with: escaped)
                    let response = try await h.send(
                        method, path, token: alice, json: method == "GET" || method == "DELETE" ? nil : "{}")
                    try await checker.check("\(method) \(template) \(label)", response, before: before, readOnly: true)
                    if label != "empty" {
                        #expect(
                            [400, 404, 405, 414].contains(response.status),
                            "\(method) \(path.prefix(120)): \(response.status)")
                    }
                }
            }
            // An odd but valid Cloudflare id is found, slashes and all.
            let found = try await h.send("GET", "api/images/by-cloudflare-id/odd%20id/with%20slash/", token: alice)
            #expect(found.status == 200, "\(found.text)")
            checker.finish()
        }
    }

    /// Raw requests a real client will not send. Each answers 4xx (or is closed without an answer), nothing is
    /// stored, and the server keeps serving.
    static let rawRequests: [(label: String, request: [UInt8])] = {
        let prefix = "/cloudflare-images/api/images/"
        func line(_ text: String) -> [UInt8] { Array(text.utf8) }
        return [
            ("invalid utf8 in path", RawClient.request(line("GET \(prefix)") + [0xFF, 0xFE] + line("/ HTTP/1.1"))),
            (
                "invalid utf8 in query",
                RawClient.request(line("GET \(prefix)?search=") + [0xC3, 0x28] + line(" HTTP/1.1"))
            ),
            ("nul in path", RawClient.request(line("GET \(prefix)") + [0x00] + line("/ HTTP/1.1"))),
            ("raw dot segments", RawClient.request(line("GET \(prefix)../../../../etc/passwd HTTP/1.1"))),
            (
                "raw dot segments to webhook",
                RawClient.request(line("POST /cloudflare-images/api/images/../webhook/ HTTP/1.1"))
            ),
            ("absolute-form", RawClient.request(line("GET http://evil.example\(prefix) HTTP/1.1"))),
            ("asterisk", RawClient.request(line("OPTIONS * HTTP/1.1"))),
            ("bare CR in request line", RawClient.request(line("GET \(prefix)\rX-Injected: 1 HTTP/1.1"))),
            ("bare LF in request line", RawClient.request(line("GET \(prefix)\nX-Injected: 1 HTTP/1.1"))),
            (
                "invalid utf8 in header",
                RawClient.request(
                    line("GET \(prefix) HTTP/1.1"), headers: [line("Authorization: Token ") + [0xFF, 0xFE, 0x80]])
            ),
            (
                "nul in header",
                RawClient.request(
                    line("GET \(prefix) HTTP/1.1"), headers: [line("Authorization: Token a") + [0] + line("b")])
            ),
            (
                "bare CR in header",
                RawClient.request(line("GET \(prefix) HTTP/1.1"), headers: [line("X-Custom: a\rX-Injected: 1")])
            ),
            (
                "obs-fold header",
                RawClient.request(
                    line("GET \(prefix) HTTP/1.1"), headers: [line("Authorization: Token"), line(" abc")])
            ),
            (
                "space before colon",
                RawClient.request(line("GET \(prefix) HTTP/1.1"), headers: [line("Authorization : Token abc")])
            ),
            (
                "header without colon",
                RawClient.request(line("GET \(prefix) HTTP/1.1"), headers: [line("Authorization Token abc")])
            ),
            (
                "invalid header name",
                RawClient.request(line("GET \(prefix) HTTP/1.1"), headers: [line("Auth(orization): Token abc")])
            ),
            (
                "huge header",
                RawClient.request(
                    line("GET \(prefix) HTTP/1.1"), headers: [line("X-Big: " + String(repeating: "a", count: 40_000))])
            ),
            (
                "too many headers",
                RawClient.request(line("GET \(prefix) HTTP/1.1"), headers: (0..<200).map { line("X-H\($0): v") })
            ),
            (
                "huge request line",
                RawClient.request(line("GET \(prefix)?q=" + String(repeating: "a", count: 20_000) + " HTTP/1.1"))
            ),
            ("bad method", RawClient.request(line("G\u{1}T \(prefix) HTTP/1.1"))),
            ("unknown method", RawClient.request(line("BREW \(prefix) HTTP/1.1"))),
            ("bad version", RawClient.request(line("GET \(prefix) HTTP/9.9"))),
            ("http 0.9", line("GET \(prefix)\r\n\r\n")),
            (
                "negative content-length",
                RawClient.request(
                    line("POST /cloudflare-images/api/upload-url/ HTTP/1.1"), headers: [line("Content-Length: -5")])
            ),
            (
                "huge content-length",
                RawClient.request(
                    line("POST /cloudflare-images/api/upload-url/ HTTP/1.1"),
                    headers: [line("Content-Length: 99999999999999999999")])
            ),
            (
                "conflicting content-lengths",
                RawClient.request(
                    line("POST /cloudflare-images/api/upload-url/ HTTP/1.1"),
                    headers: [line("Content-Length: 2"), line("Content-Length: 3")], body: line("{}"))
            ),
            (
                "content-length and chunked",
                RawClient.request(
                    line("POST /cloudflare-images/api/webhook/ HTTP/1.1"),
                    headers: [line("Content-Length: 2"), line("Transfer-Encoding: chunked")], body: line("{}"))
            ),
            (
                "bad chunk size",
                RawClient.request(
                    line("POST /cloudflare-images/api/webhook/ HTTP/1.1"), headers: [line("Transfer-Encoding: chunked")]
                ) + line("zz\r\n{}\r\n0\r\n\r\n")
            ),
            (
                "huge chunk size",
                RawClient.request(
                    line("POST /cloudflare-images/api/webhook/ HTTP/1.1"), headers: [line("Transfer-Encoding: chunked")]
                ) + line("ffffffffffffffffffff\r\n{}\r\n0\r\n\r\n")
            ),
            (
                "unknown transfer-encoding",
                RawClient.request(
                    line("POST /cloudflare-images/api/webhook/ HTTP/1.1"), headers: [line("Transfer-Encoding: gzip")],
                    body: line("{}"))
            ),
        ]
    }()

    @Test func rawHostileRequests() async throws {
        try await withHostileHarness { h in
            let alice = try await h.token("alice")
            _ = try await h.upload(alice)
            let checker = CaseChecker(harness: h)
            let before = try await h.snapshot()
            for (label, request) in Self.rawRequests {
                let reply = try await RawClient.exchange(port: h.port, request)
                // 505 is the protocol's own answer to an unsupported HTTP version.
                let allowed =
                    reply.status == 0 || (400..<500).contains(reply.status)
                    || (label == "bad version" && reply.status == 505)
                #expect(allowed, "\(label): \(reply.status) \(reply.head.prefix(200))")
                #expect(!reply.head.contains("X-Injected"), "\(label): injected header echoed")
                let unchanged = try await h.snapshot() == before
                #expect(unchanged, "\(label) changed the store")
                #expect(try await h.send("GET", "/healthz").status == 200, "\(label): server stopped answering")
            }
            // The same hostile header values with a valid token in front still authenticate nobody.
            let smuggled = RawClient.request(
                Array("GET /cloudflare-images/api/images/ HTTP/1.1".utf8),
                headers: [Array("Authorization: Token \(alice)\rX: 1".utf8)])
            let reply = try await RawClient.exchange(port: h.port, smuggled)
            #expect(reply.status == 0 || (400..<500).contains(reply.status), "\(reply.head)")
            checker.finish()
            #expect(h.logs.lines(containing: alice).isEmpty)
        }
    }

    @Test func bulkEndpointsWithHugeListsAndWrongElementTypes() async throws {
        try await withHostileHarness { h in
            let alice = try await h.token("alice")
            let kept = try await h.upload(alice)
            let checker = CaseChecker(harness: h)
            let before = try await h.snapshot()
            func uuids(_ count: Int) -> String {
                (0..<count).map { String(format: "\"00000000-0000-4000-8000-%012x\"", $0 + 1) }.joined(separator: ",")
            }
            let cases: [(String, String, String, Int?)] = [
                ("bulk_delete 20k ids", "api/images/bulk_delete/", "{\"ids\":[\(uuids(20_000))]}", 200),
                ("bulk_delete 30k ids (over 1 MB)", "api/images/bulk_delete/", "{\"ids\":[\(uuids(30_000))]}", 413),
                (
                    "bulk_delete 20k cloudflare ids", "api/images/bulk_delete/",
                    "{\"cloudflare_ids\":[" + Array(repeating: "\"x\"", count: 20_000).joined(separator: ",") + "]}",
                    200
                ),
                (
                    "bulk_delete 20k wrong types", "api/images/bulk_delete/",
                    "{\"ids\":[" + Array(repeating: "{}", count: 20_000).joined(separator: ",") + "]}", 400
                ),
                (
                    "bulk_delete mixed types", "api/images/bulk_delete/",
                    #"{"ids":[1,true,null,[],{},"x",1e400],"cloudflare_ids":[[],{}]}"#, 400
                ),
                (
                    "bulk_delete nested lists", "api/images/bulk_delete/",
                    "{\"ids\":" + String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000) + "}",
                    400
                ),
                ("bulk_status_check 51 ids", "api/images/bulk_status_check/", "{\"image_ids\":[\(uuids(51))]}", 400),
                (
                    "bulk_status_check 20k ids", "api/images/bulk_status_check/", "{\"image_ids\":[\(uuids(20_000))]}",
                    400
                ),
                (
                    "bulk_status_check wrong types", "api/images/bulk_status_check/",
                    #"{"image_ids":[1e400,-1,"\u0000",{"a":1}]}"#, 400
                ),
                ("bulk_status_check object", "api/images/bulk_status_check/", #"{"image_ids":{"0":"x"}}"#, 400),
            ]
            for (label, path, json, status) in cases {
                let response = try await h.send("POST", path, token: alice, json: json)
                try await checker.check(label, response, before: before, readOnly: true)
                if let status { #expect(response.status == status, "\(label): \(response.text.prefix(200))") }
            }
            #expect(try await h.send("GET", "api/images/\(kept.id)/", token: alice).status == 200)
            checker.finish()
        }
    }
}
