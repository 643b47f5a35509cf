import Foundation
import HTTPFields
import HTTPServer
import ImageStore
import ImagesAPI
import JSON
import TestSupport
import Testing

/// `GET api/images/{id}/` answered on the event loop (`ImagesAPI.immediateHandler`) must be the handler's answer,
/// byte for byte, and everything it cannot answer exactly must be declined.
@Suite struct ImmediateDetailTests {
    static func request(_ path: String, token: String?, method: HTTPMethod = .get) -> Request {
        var headers = HTTPHeaders()
        if let token { headers["Authorization"] = "Token \(token)" }
        return Request(method: method, target: "/cloudflare-images/" + path, headers: headers)
    }

    /// The API's immediate answer to a copy of `request`.
    static func immediate(_ h: APIHarness, _ request: Request) -> Response? {
        var request = request
        return h.api.responder().immediate?(&request)
    }

    /// The answer of the API's task path alone (its handler, through the error boundary).
    static func handled(_ h: APIHarness, _ request: Request) async -> Response {
        await Responder(handler: h.api.responder().handler).respond(
            to: request, logger: quietLogger("immediate-detail"))
    }

    static func expectSame(_ h: APIHarness, _ request: Request) async throws {
        let slow = await Self.handled(h, request)
        let now = try #require(Self.immediate(h, request))
        #expect(now.status == slow.status)
        #expect(now.body == slow.body)
        #expect(
            Array(now.headers).map { "\($0.name): \($0.value)" }
                == Array(slow.headers).map { "\($0.name): \($0.value)" })
        #expect(now.routePattern == slow.routePattern)
    }

    @Test(.disabled(if: APIBackend.isPostgreSQL, "looks at SQLite itself")) func answersAsTheHandlerDoes() async throws
    {
        try await withHarness { h in
            let records = try await ListTests.seed(h)
            let alice = try await h.fixture.token("alice")
            let admin = try await h.fixture.token("root", admin: true)
            for record in records {
                try await Self.expectSame(h, Self.request("api/images/\(record.id.lowercasedText)/", token: alice))
                try await Self.expectSame(
                    h, Self.request("api/images/\(record.id.lowercasedText)", token: admin, method: .head))
            }
            let uploaded = try #require(records.first { $0.status == .uploaded })
            let body = try #require(
                Self.immediate(h, Self.request("api/images/\(uploaded.id.lowercasedText)/", token: alice)))
            #expect(body.status == .ok)
            #expect(try JSONValue.parse(body.body).objectValue?.string("cloudflare_id") == uploaded.cloudflareID)
        }
    }

    @Test func declinesWhatOnlyTheHandlerCanAnswer() async throws {
        try await withHarness { h in
            let records = try await ListTests.seed(h)
            let id = records[0].id.lowercasedText
            let alice = try await h.fixture.token("alice")
            let bob = try await h.fixture.token("bob")
            let unused = try await h.fixture.token("alice", label: "never used")
            for token in [alice, bob] {  // puts both tokens in the cache
                _ = await Self.handled(h, Self.request("api/", token: token))
            }
            let declined: [(String, Request)] = [
                ("token not cached yet", Self.request("api/images/\(id)/", token: unused)),
                ("no credentials", Self.request("api/images/\(id)/", token: nil)),
                ("query filters", Self.request("api/images/\(id)/?status=pending", token: alice)),
                ("someone else's image", Self.request("api/images/\(id)/", token: bob)),
                ("unknown id", Self.request("api/images/\(UUID().uuidString)/", token: alice)),
                ("not an id", Self.request("api/images/bulk_delete/", token: alice)),
                ("another method", Self.request("api/images/\(id)/", token: alice, method: .delete)),
                ("another route", Self.request("api/images/\(id)/logs/", token: alice)),
                ("operations", Self.request("/healthz", token: alice)),
            ]
            for (reason, request) in declined {
                #expect(Self.immediate(h, request) == nil, "\(reason)")
            }
        }
    }

    /// Over HTTP, a change is visible to the very next lookup, which the event loop answers.
    @Test(.disabled(if: APIBackend.isPostgreSQL, "looks at SQLite itself")) func seesTheChangeJustMade() async throws {
        try await withHarness { h in
            let records = try await ListTests.seed(h)
            let path = "api/images/\(records[0].id.lowercasedText)/"
            let alice = try await h.fixture.token("alice")
            for round in 0..<20 {
                let patch = try await h.send("PATCH", path, token: alice, json: #"{"filename":"round-\#(round).png"}"#)
                #expect(patch.status == 200)
                let get = try await h.send("GET", path, token: alice)
                #expect(get.object?.string("filename") == "round-\(round).png")
            }
            #expect(Self.immediate(h, Self.request(path, token: alice)) != nil)
        }
    }

    @Test func declinesEverythingWithoutATokenCache() async throws {
        try await withHarness(tokenCacheTTL: .zero) { h in
            let records = try await ListTests.seed(h)
            let alice = try await h.fixture.token("alice")
            let request = Self.request("api/images/\(records[0].id.lowercasedText)/", token: alice)
            #expect(await Self.handled(h, request).status == .ok)
            #expect(Self.immediate(h, request) == nil)
        }
    }
}
