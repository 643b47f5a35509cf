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

@Suite struct RouterImmediateTests {
    let router = Router(prefix: "/p") { r in
        r.get("/items/:id", { _ in .text(.ok, "later") }, immediate: { request in
            request.pathParameters["id"] == "skip" ? nil : .text(.ok, "now:" + (request.pathParameters["id"] ?? ""))
        })
        r.get("/items/:id/plain") { _ in .text(.ok, "plain") }
        r.delete("/items/:id") { _ in .empty() }
    }

    func immediate(_ method: HTTPMethod, _ target: String) -> Response? {
        router.respondImmediately(to: Request(method: method, target: target))
    }

    @Test func answersWithTheRouteParametersAndPattern() throws {
        let response = try #require(immediate(.get, "/p/items/42/"))
        #expect(String(decoding: response.body, as: UTF8.self) == "now:42")
        #expect(response.routePattern == "/p/items/{id}/")
        // HEAD runs the GET route's immediate handler, as `respond` runs its handler.
        #expect(immediate(.head, "/p/items/42") != nil)
    }

    @Test func declinesWhereTheHandlerMustAnswer() {
        #expect(immediate(.get, "/p/items/skip") == nil)  // the immediate handler declined
        #expect(immediate(.get, "/p/items/42/plain") == nil)  // a route without one
        #expect(immediate(.delete, "/p/items/42") == nil)
        #expect(immediate(.post, "/p/items/42") == nil)  // 405 is the handler's answer
        #expect(immediate(.get, "/elsewhere") == nil)
    }

    @Test func routerWithoutImmediateRoutesDeclinesEverything() {
        let plain = Router { r in r.get("/x") { _ in .empty() } }
        #expect(plain.respondImmediately(to: Request(method: .get, target: "/x")) == nil)
    }
}
