import HTTPFields
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
        #expect(response.headers["Allow"] == "GET, DELETE, HEAD, OPTIONS")
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

    @Test func theFirstRegisteredMatchWinsWhateverItsShape() async throws {
        let router = Router { r in
            r.post("/a/b") { _ in .text(.ok, "post") }
            r.get("/a/:x") { req in .text(.ok, "param " + (req.pathParameters["x"] ?? "")) }
            r.get("/a/b") { _ in .text(.ok, "literal") }
            r.get("/a/*rest") { req in .text(.ok, "rest " + (req.pathParameters["rest"] ?? "")) }
        }
        func body(_ method: HTTPMethod, _ target: String) async throws -> String {
            String(decoding: try await router.respond(to: Request(method: method, target: target)).body, as: UTF8.self)
        }
        #expect(try await body(.get, "/a/b") == "param b")
        #expect(try await body(.post, "/a/b") == "post")
        #expect(try await body(.get, "/a/b/c") == "rest b/c")
        // Longer than the index covers: every route is tried, in order, as for any other path.
        let long = (1...40).map(String.init).joined(separator: "/")
        #expect(try await body(.get, "/a/" + long) == "rest " + long)
        let response = try await router.respond(to: Request(method: .put, target: "/a/" + long))
        #expect(response.status == .methodNotAllowed)
        #expect(response.headers["Allow"] == "GET, HEAD, OPTIONS")
    }

    @Test func optionsOnAKnownPathListsItsMethods() async throws {
        let options = try await router.respond(
            to: Request(method: .options, target: "/cloudflare-images/api/images/x/"))
        #expect(options.status == .noContent)
        #expect(options.headers["Allow"] == "GET, DELETE, HEAD, OPTIONS")
        #expect(options.body.isEmpty)
        let unknown = try await router.respond(to: Request(method: .options, target: "/cloudflare-images/api/nothing/"))
        #expect(unknown.status == .notFound)
    }

    @Test func aLiteralRouteOfAnotherMethodTakesItsPathFromAParameterRoute() async throws {
        let router = Router { r in
            r.get("/images/:id") { _ in .text(.ok, "detail") }
            r.put("/images/:id") { _ in .text(.ok, "update") }
            r.post("/images/register") { _ in .text(.ok, "register") }
            r.get("/items/:id") { _ in .text(.ok, "item") }
            r.post("/items/new") { _ in .text(.ok, "new") }
            r.get("/items/new") { _ in .text(.ok, "form") }
        }
        for method in [HTTPMethod.get, .put, .head] {
            let response = try await router.respond(to: Request(method: method, target: "/images/register"))
            #expect(response.status == .methodNotAllowed, "\(method)")
            #expect(response.headers["Allow"] == "POST, OPTIONS")
        }
        let options = try await router.respond(to: Request(method: .options, target: "/images/register/"))
        #expect(options.headers["Allow"] == "POST, OPTIONS")
        #expect(
            String(
                decoding: try await router.respond(to: Request(method: .get, target: "/images/abc")).body, as: UTF8.self
            ) == "detail")
        // A GET route of the literal's own pattern exists: registration order decides, as usual.
        #expect(
            String(
                decoding: try await router.respond(to: Request(method: .get, target: "/items/new")).body, as: UTF8.self)
                == "item")
    }

    @Test func pathParametersCompareAsDictionaries() {
        let parameters = PathParameters(names: ["a", "b"], values: ["1", "2"])
        #expect(parameters == ["b": "2", "a": "1"])
        #expect(parameters != ["a": "1"])
        #expect(parameters != ["a": "1", "b": "3"])
        #expect(parameters["b"] == "2")
        #expect(parameters["c"] == nil)
        #expect(PathParameters().isEmpty)
    }
}

@Suite struct RouterImmediateTests {
    let router = Router(prefix: "/p") { r in
        r.get(
            "/items/:id",
            immediate: { request in
                request.pathParameters["id"] == "skip" ? nil : .text(.ok, "now:" + (request.pathParameters["id"] ?? ""))
            }
        ) { _ in .text(.ok, "later") }
        r.get("/items/:id/plain") { _ in .text(.ok, "plain") }
        r.delete("/items/:id") { _ in .empty() }
    }

    func immediate(_ method: HTTPMethod, _ target: String) -> Response? {
        var request = Request(method: method, target: target)
        return router.respondImmediately(to: &request)
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
        var request = Request(method: .get, target: "/x")
        #expect(plain.respondImmediately(to: &request) == nil)
    }
}

@Suite struct RequestTargetTests {
    @Test(
        arguments: [
            ("/a/b?x=1", "/a/b", "/a/b", [("x", "1")]),
            ("/a%2Fb%20c", "/a%2Fb%20c", "/a/b c", []),
            ("http://example.com", "/", "/", []),
            ("http://example.com?x=1", "/", "/", []),
            ("https://h:8/p?q=2", "/p", "/p", [("q", "2")]),
            ("/a#frag?q=1", "/a", "/a", [("q", "1")]),
            ("/a?x=1#frag", "/a", "/a", [("x", "1#frag")]),
            ("*", "*", "*", []),
            ("a:/b", "a:/b", "a:/b", []),
            ("h://", "/", "/", []),
            ("/", "/", "/", []),
            ("/é?ü=%C3%A9", "/é", "/é", [("ü", "é")]),
        ] as [(String, String, String, [(String, String)])])
    func splitsPathAndQuery(target: String, rawPath: String, path: String, query: [(String, String)]) {
        let request = Request(method: .get, target: target)
        #expect(request.rawPath == rawPath)
        #expect(request.path == path)
        #expect(request.query.pairs.map { "\($0.name)=\($0.value)" } == query.map { "\($0.0)=\($0.1)" })
    }

    @Test func decimalsAndDurations() {
        var bytes: [UInt8] = []
        for value in [0, 7, 10, 1234567890, -42, Int.max, Int.min] {
            bytes.removeAll()
            ASCIIDecimal.append(value, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == String(value))
        }
        let cases: [(UInt64, String)] = [
            (0, "0.000"), (999, "0.000"), (1_000, "0.001"), (1_234_567, "1.234"),
            (12_000_000_000, "12000.000"), (40_050_000, "40.050"),
        ]
        for (nanoseconds, text) in cases {
            let entry = AccessLogEntry(
                method: .get, path: "/", status: 200, bytes: 0, durationNanoseconds: nanoseconds, requestID: "r")
            #expect(entry.durationMilliseconds == text)
        }
    }
}
