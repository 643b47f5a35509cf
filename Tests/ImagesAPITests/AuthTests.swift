import Foundation
import ImageStore
import ImagesAPI
import JSON
import Testing

@Suite struct AuthTests {
    @Test func missingAndMalformedCredentialsAre401WithDRFMessages() async throws {
        try await withHarness { h in
            let cases: [(String?, String)] = [
                (nil, "Authentication credentials were not provided."),
                ("Basic abc", "Authentication credentials were not provided."),
                ("Token", "Invalid token header. No credentials provided."),
                ("Token a b", "Invalid token header. Token string should not contain spaces."),
                ("Token nope", "Invalid token."),
                ("Bearer nope", "Invalid token."),
            ]
            for (header, message) in cases {
                let response = try await h.send(
                    "GET", "api/images/", headers: header.map { [("Authorization", $0)] } ?? [])
                #expect(response.status == 401, "\(header ?? "none")")
                #expect(response.header("WWW-Authenticate") == "Token")
                #expect(response.object?.string("detail") == message, "\(header ?? "none")")
            }
        }
    }

    @Test func tokenAndBearerKeywordsAreCaseInsensitive() async throws {
        try await withHarness { h in
            let key = try await h.token("alice")
            for scheme in ["Token", "token", "Bearer", "BEARER"] {
                let response = try await h.send("GET", "api/images/", headers: [("Authorization", "\(scheme) \(key)")])
                #expect(response.status == 200, "\(scheme)")
            }
        }
    }

    @Test func usersSeeOnlyTheirOwnImagesAndOthersAre404() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            let bob = try await h.token("bob")
            let upload = try await h.createUpload(alice)
            let id = try #require(upload.string("id"))
            let cloudflareID = try #require(upload.string("cloudflare_id"))
            for (method, path) in [
                ("GET", "api/images/\(id)/"), ("PATCH", "api/images/\(id)/"), ("DELETE", "api/images/\(id)/"),
                ("GET", "api/images/\(id)/logs/"), ("POST", "api/images/\(id)/check_status/"),
                ("GET", "api/images/by-cloudflare-id/\(cloudflareID)/"),
            ] {
                let response = try await h.send(method, path, token: bob, json: method == "PATCH" ? "{}" : nil)
                #expect(response.status == 404, "\(method) \(path)")
                #expect(response.text == #"{"detail":"No CloudflareImage matches the given query."}"#)
            }
            #expect(try await h.send("GET", "api/images/", token: bob).object?["count"] == .int(0))
            let bulk = try await h.send("POST", "api/images/bulk_delete/", token: bob, json: #"{"ids":["\#(id)"]}"#)
            #expect(bulk.text == #"{"results":[{"id":"\#(id)","status":"not_found"}]}"#)
            #expect(try await h.send("GET", "api/images/\(id)/", token: alice).status == 200)
            #expect(try await h.send("GET", "api/images/not-a-uuid/", token: alice).text == #"{"detail":"Not found."}"#)
        }
    }

    @Test func adminSeesEveryImageAndNonAdminGets403OnAdminEndpoints() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            let root = try await h.token("root", admin: true)
            let upload = try await h.createUpload(alice)
            let id = try #require(upload.string("id"))
            #expect(try await h.send("GET", "api/images/\(id)/", token: root).status == 200)
            #expect(try await h.send("GET", "api/images/", token: root).object?["count"] == .int(1))

            let denied = try await h.send("POST", "api/cleanup-expired/", token: alice)
            #expect(denied.status == 403)
            #expect(denied.text == #"{"detail":"You do not have permission to perform this action."}"#)
            #expect(try await h.send("POST", "api/cleanup-expired/").status == 401)
            #expect(try await h.send("POST", "api/cleanup-expired/", token: root).status == 200)
        }
    }

    @Test func revokedTokenStopsWorkingAfterTheCacheTTL() async throws {
        try await withHarness(tokenCacheTTL: .zero) { h in
            let issued = try await h.repository.createToken(userName: "alice", isAdmin: false, label: "t")
            #expect(try await h.send("GET", "api/images/", token: issued.key).status == 200)
            _ = try await h.repository.revokeToken(id: issued.token.id, userName: nil)
            #expect(try await h.send("GET", "api/images/", token: issued.key).status == 401)
        }
        try await withHarness(tokenCacheTTL: .seconds(60)) { h in
            let issued = try await h.repository.createToken(userName: "alice", isAdmin: false, label: "t")
            #expect(try await h.send("GET", "api/images/", token: issued.key).status == 200)
            _ = try await h.repository.revokeToken(id: issued.token.id, userName: nil)
            // Within the TTL the cached lookup still answers; invalidating the cache makes revocation immediate.
            #expect(try await h.send("GET", "api/images/", token: issued.key).status == 200)
            h.api.invalidateTokenCache()
            #expect(try await h.send("GET", "api/images/", token: issued.key).status == 401)
        }
    }
}
