import Testing

@testable import HTTPServer

/// Prefixes and literal segments match the raw path; only captured parameters are percent-decoded.
@Suite struct RawPathRoutingTests {
    let api = Router(prefix: "/cloudflare-images") { r in
        r.get("/api/images/by-cloudflare-id/*cid") { req in .text(.ok, "cf:" + (req.pathParameters["cid"] ?? "")) }
        r.get("/api/images/:id", immediate: { req in .text(.ok, "now:" + (req.pathParameters["id"] ?? "")) }) { req in
            .text(.ok, "id:" + (req.pathParameters["id"] ?? ""))
        }
        r.post("/api/webhook") { _ in .text(.ok, "webhook") }
    }
    let emulator = Router(prefix: "/_emulator") { r in
        r.post("/upload/:token") { req in .text(.ok, "upload:" + (req.pathParameters["token"] ?? "")) }
    }

    func answer(_ router: Router, _ method: HTTPMethod, _ target: String) async throws -> (Int, String) {
        let response = try await router.respond(to: Request(method: method, target: target))
        return (response.status.code, String(decoding: response.body, as: UTF8.self))
    }

    @Test(arguments: [
        "/%5Femulator/upload/t", "/%5femulator/upload/t", "/_emulato%72/upload/t", "/_emulator/%75pload/t",
    ])
    func anotherSpellingOfTheMountDoesNotMatch(target: String) async throws {
        #expect(try await answer(emulator, .post, target).0 == 404)
        #expect(try await answer(emulator, .post, "/_emulator/upload/t") == (200, "upload:t"))
    }

    @Test(arguments: [
        "/cloudflare-images/%61pi/images/abc", "/%63loudflare-images/api/images/abc",
        "/cloudflare-images/api/%69mages/abc", "/cloudflare-images%2Fapi/images/abc",
        "/cloudflare-images/api%2Fimages/abc",
    ])
    func escapedLiteralsDoNotMatch(target: String) async throws {
        #expect(try await answer(api, .get, target).0 == 404)
        var request = Request(method: .get, target: target)
        #expect(api.respondImmediately(to: &request) == nil)
    }

    @Test func escapedWebhookIsNotTheWebhook() async throws {
        #expect(try await answer(api, .post, "/cloudflare-images/api/%77ebhook").0 == 404)
        #expect(try await answer(api, .post, "/cloudflare-images/api/webhook/") == (200, "webhook"))
    }

    @Test func parametersAreDecodedEachOnItsOwn() async throws {
        #expect(try await answer(api, .get, "/cloudflare-images/api/images/a%20b") == (200, "id:a b"))
        // An encoded slash stays inside its parameter, decoded.
        #expect(try await answer(api, .get, "/cloudflare-images/api/images/a%2Fb") == (200, "id:a/b"))
        #expect(try await answer(api, .get, "/cloudflare-images/api/images/%E2%82%AC%zz") == (200, "id:€%zz"))
        var request = Request(method: .get, target: "/cloudflare-images/api/images/x%2Fy/")
        let immediate = try #require(api.respondImmediately(to: &request))
        #expect(String(decoding: immediate.body, as: UTF8.self) == "now:x/y")
        #expect(request.pathParameters["id"] == "x/y")
    }

    @Test func restParametersDecodeEscapedSlashes() async throws {
        let prefix = "/cloudflare-images/api/images/by-cloudflare-id/"
        #expect(try await answer(api, .get, prefix + "a%2Fb") == (200, "cf:a/b"))
        #expect(try await answer(api, .get, prefix + "acct/a%2Fb/c%20d/") == (200, "cf:acct/a/b/c d"))
        #expect(try await answer(api, .get, prefix + "plain/id") == (200, "cf:plain/id"))
    }
}
