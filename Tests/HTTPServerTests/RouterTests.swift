import Testing
@testable import HTTPServer

@Suite struct RouterTests {
    let router = Router(prefix: "/cloudflare-images") { r in
        r.get("/api/images/by-cloudflare-id/*cid") { req in .text(.ok, "cf:" + (req.pathParameters["cid"] ?? "")) }
        r.get("/api/images/:id") { req in .text(.ok, "id:" + (req.pathParameters["id"] ?? "")) }
        r.delete("/api/images/:id") { _ in .empty() }
    }

    @Test func matchesWithAndWithoutTrailingSlash() async throws {
        for target in ["/cloudflare-images/api/images/abc/", "/cloudflare-images/api/images/abc"] {
            let response = try await router.respond(to: Request(method: .get, target: target))
            #expect(response.status == .ok)
            #expect(String(decoding: response.body, as: UTF8.self) == "id:abc")
        }
    }

    @Test func restParameterKeepsSlashes() async throws {
        let response = try await router.respond(
            to: Request(method: .get, target: "/cloudflare-images/api/images/by-cloudflare-id/a/b/c/"))
        #expect(String(decoding: response.body, as: UTF8.self) == "cf:a/b/c")
    }

    @Test func wrongMethodIs405WithAllow() async throws {
        let response = try await router.respond(to: Request(method: .post, target: "/cloudflare-images/api/images/x"))
        #expect(response.status == .methodNotAllowed)
        #expect(response.headers["Allow"] == "GET, DELETE, HEAD")
    }

    @Test func unknownPathIsJSON404() async throws {
        let response = try await router.respond(to: Request(method: .get, target: "/elsewhere"))
        #expect(response.status == .notFound)
        #expect(response.headers["Content-Type"] == "application/json")
    }

    @Test func queryAndPercentDecoding() {
        let request = Request(method: .get, target: "/a%20b/c?x=1&y=a+b&z=%E2%82%AC&bad=%zz")
        #expect(request.path == "/a b/c")
        #expect(request.query["x"] == "1")
        #expect(request.query["y"] == "a b")
        #expect(request.query["z"] == "€")
        #expect(request.query["bad"] == "%zz")
    }

    @Test func absoluteFormTarget() {
        let request = Request(method: .get, target: "http://example.com/p/q?x=1")
        #expect(request.path == "/p/q")
        #expect(request.query["x"] == "1")
    }

    @Test func headUsesTheFirstMatchingGetRoute() async throws {
        let router = Router { r in
            r.get("/files/:name") { _ in .text(.ok, "specific") }
            r.get("/*anything") { _ in .text(.ok, "catch-all") }
        }
        let response = try await router.respond(to: Request(method: .head, target: "/files/a"))
        #expect(String(decoding: response.body, as: UTF8.self) == "specific")
    }
}
