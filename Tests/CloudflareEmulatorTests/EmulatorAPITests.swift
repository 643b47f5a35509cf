import Foundation
import HTTPClient
import HTTPFields
import TestSupport
import Testing

@testable import CloudflareEmulator

@Suite struct EmulatorAPITests {
    @Test func directUploadLifecycle() async throws {
        let h = try EmulatorHarness()
        defer { Task { await h.stop() } }
        let created = try await h.call(
            "POST", h.images + "/v2/direct_upload",
            body: h.form([
                ("id", "users/7/avatar"), ("metadata", #"{"owner":"7"}"#), ("requireSignedURLs", "false"),
                ("creator", "user-7"),
            ]))
        #expect(created.status == 200)
        #expect(created.success == true)
        #expect((created.json["errors"] as? [Any])?.isEmpty == true)
        #expect(created.json.keys.contains("result_info"))
        #expect(created.result?["id"] as? String == "users/7/avatar")
        let uploadURL = try #require(created.result?["uploadURL"] as? String)
        #expect(uploadURL.hasPrefix(h.base + "/upload/"))

        let draft = try await h.call("GET", h.images + "/v1/users/7/avatar")
        #expect(draft.status == 200)
        #expect(draft.result?["draft"] as? Bool == true)
        #expect((draft.result?["variants"] as? [String])?.isEmpty == true)
        #expect((draft.result?["meta"] as? [String: Any])?["owner"] as? String == "7")
        #expect(draft.result?["creator"] as? String == "user-7")

        let listedBefore = try await h.call("GET", h.images + "/v1")
        #expect(((listedBefore.result?["images"]) as? [Any])?.count == 0)

        let uploaded = try await h.upload(
            to: uploadURL, bytes: ImageFixtures.png(width: 4, height: 3), filename: "cat.png")
        #expect(uploaded.status == 200)
        let image = try await h.call("GET", h.images + "/v1/users/7/avatar")
        let result = try #require(image.result)
        #expect(result["draft"] == nil)
        #expect(result["filename"] as? String == "cat.png")
        #expect(result["requireSignedURLs"] as? Bool == false)
        #expect((result["uploaded"] as? String)?.hasSuffix("Z") == true)
        let variants = try #require(result["variants"] as? [String])
        #expect(
            variants == [
                "\(h.base)/imagedelivery/\(EmulatorHarness.account.accountHash)/users/7/avatar/public",
                "\(h.base)/imagedelivery/\(EmulatorHarness.account.accountHash)/users/7/avatar/thumbnail",
            ])

        let patched = try await h.call(
            "PATCH", h.images + "/v1/users/7/avatar",
            body: .bytes(
                Array(
                    #"{"metadata":{"k":"v"},"requireSignedURLs":true}"#.utf8)),
            headers: ["Content-Type": "application/json"])
        #expect(patched.status == 200)
        #expect(patched.result?["requireSignedURLs"] as? Bool == true)
        #expect((patched.result?["meta"] as? [String: Any])?.keys.sorted() == ["k"])

        for badPatch in [#"{"requireSignedURLs":1}"#, #"{"metadata":"x"}"#, "[]", "nope"] {
            let reply = try await h.call("PATCH", h.images + "/v1/users/7/avatar", body: .bytes(Array(badPatch.utf8)))
            #expect(reply.status == 400, "\(badPatch)")
        }
        #expect(try await h.call("PATCH", h.images + "/v1/missing", body: .bytes(Array("{}".utf8))).status == 404)

        let stats = try await h.call("GET", h.images + "/v1/stats")
        let count = try #require(stats.result?["count"] as? [String: Any])
        #expect((count["current"] as? NSNumber)?.intValue == 1)
        #expect((count["allowed"] as? NSNumber)?.intValue == 100_000)

        let deleted = try await h.call("DELETE", h.images + "/v1/users/7/avatar")
        #expect(deleted.status == 200)
        #expect(deleted.result?.isEmpty == true)
        let gone = try await h.call("GET", h.images + "/v1/users/7/avatar")
        #expect(gone.status == 404)
        #expect(gone.errorCode == 5404)
        #expect(gone.success == false)
        let goneAgain = try await h.call("DELETE", h.images + "/v1/users/7/avatar")
        #expect(goneAgain.status == 404)
    }

    @Test func generatedIDsAreUUIDsAndMetadataFormFieldsWork() async throws {
        let h = try EmulatorHarness()
        defer { Task { await h.stop() } }
        let (id, _) = try await h.directUpload([("metadata[a]", "1"), ("metadata[b]", "two")])
        #expect(UUID(uuidString: id) != nil)
        let draft = try await h.call("GET", h.images + "/v1/" + id)
        let meta = try #require(draft.result?["meta"] as? [String: Any])
        #expect(meta["a"] as? String == "1")
        #expect(meta["b"] as? String == "two")
    }

    @Test func validationErrors() async throws {
        let h = try EmulatorHarness()
        defer { Task { await h.stop() } }
        func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
        // Built again for each request: the expiry window is checked against the time the request arrives, and a
        // busy machine can take seconds per request.
        func bad(_ now: Date) -> [[(String, String)]] {
            [
                [("expiry", iso(now.addingTimeInterval(60)))],
                [("expiry", iso(now.addingTimeInterval(7 * 3600)))],
                // No grace at either end: Cloudflare checks the window when the request arrives.
                [("expiry", iso(now.addingTimeInterval(119)))],
                [("expiry", iso(now.addingTimeInterval(6 * 3600 + 20)))],
                [("expiry", "next tuesday")],
                [("metadata", "{\"k\":\"" + String(repeating: "x", count: 1100) + "\"}")],
                [("metadata", "[1,2]")],
                [("metadata", "not json")],
                [("id", "/leading")],
                [("id", "trailing/")],
                [("id", "a//b")],
                [("id", String(repeating: "a", count: 1025))],
                [("id", "2cdc28f0-017a-49c4-9ed7-87056c839010")],
                [("requireSignedURLs", "maybe")],
            ]
        }
        for index in bad(Date()).indices {
            let fields = bad(Date())[index]
            let reply = try await h.call("POST", h.images + "/v2/direct_upload", body: h.form(fields))
            #expect(reply.status == 400, "\(fields.map(\.0))")
            #expect(reply.errorCode == 5400, "\(fields.map(\.0))")
            #expect(reply.success == false)
        }
        let good = try await h.call(
            "POST", h.images + "/v2/direct_upload",
            body: h.form([
                ("expiry", iso(Date().addingTimeInterval(5 * 3600))), ("id", String(repeating: "a", count: 1024)),
                ("metadata", "{\"k\":\"" + String(repeating: "x", count: 1000) + "\"}"),
            ]))
        #expect(good.status == 200)

        let first = try await h.call("POST", h.images + "/v2/direct_upload", body: h.form([("id", "dup")]))
        #expect(first.status == 200)
        let second = try await h.call("POST", h.images + "/v2/direct_upload", body: h.form([("id", "dup")]))
        #expect(second.status == 409)
        #expect(second.errorCode == 5409)

        let json = try await h.call(
            "POST", h.images + "/v2/direct_upload", body: .bytes(Array("{}".utf8)),
            headers: ["Content-Type": "application/json"])
        #expect(json.status == 400)
    }

    @Test func authentication() async throws {
        let h = try EmulatorHarness()
        defer { Task { await h.stop() } }
        let wrong = try await h.call("GET", h.images + "/v1", token: "nope")
        #expect(wrong.status == 403)
        #expect(wrong.errorCode == 10000)
        #expect(wrong.errorMessage == "Authentication error")
        #expect(!wrong.text.contains(EmulatorHarness.account.apiToken))
        let missing = try await h.call("GET", h.images + "/v1", token: nil)
        #expect(missing.status == 400)
        #expect(missing.errorCode == 6003)
        let basic = try await h.call("GET", h.images + "/v1", token: nil, headers: ["Authorization": "Basic abc"])
        #expect(basic.status == 400)
        let otherAccount = try await h.call("GET", "\(h.base)/client/v4/accounts/someone-else/images/v1")
        #expect(otherAccount.status == 403)
        #expect(otherAccount.errorCode == 10000)
        let unknown = try await h.call("GET", "\(h.base)/client/v4/accounts/x/zones")
        #expect(unknown.status == 400, "Cloudflare: an unknown route is a 400, never a 404")
        #expect(unknown.errorCode == 7003)
    }

    @Test func listsPaginateAndFilter() async throws {
        let h = try EmulatorHarness()
        defer { Task { await h.stop() } }
        for i in 0..<25 {
            let reply = try await h.call(
                "POST", h.images + "/v1",
                body: h.form(
                    [("id", "img-\(i)"), ("creator", i % 2 == 0 ? "even" : "odd")],
                    file: ("file", "f\(i).gif", ImageFixtures.gif(width: 1, height: 1))))
            #expect(reply.status == 200)
        }
        let page2 = try await h.call("GET", h.images + "/v1?page=2&per_page=10")
        let ids2 = (page2.result?["images"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
        #expect(ids2 == (10..<20).map { "img-\($0)" })
        let info = try #require(page2.json["result_info"] as? [String: Any])
        #expect((info["total_count"] as? NSNumber)?.intValue == 25)
        #expect((info["page"] as? NSNumber)?.intValue == 2)
        #expect((info["count"] as? NSNumber)?.intValue == 10)
        #expect(try await h.call("GET", h.images + "/v1?per_page=5").status == 400)
        #expect(try await h.call("GET", h.images + "/v1?page=zero").status == 400)

        var seen: [String] = []
        var token: String?
        for _ in 0..<5 {
            var url = h.images + "/v2?per_page=10&sort_order=asc&creator=even"
            if let token {
                url += "&continuation_token=" + token.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            }
            let reply = try await h.call("GET", url)
            #expect(reply.status == 200)
            seen += (reply.result?["images"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            token = reply.result?["continuation_token"] as? String
            if token == nil { break }
        }
        #expect(seen == stride(from: 0, to: 25, by: 2).map { "img-\($0)" })
        let descending = try await h.call("GET", h.images + "/v2?per_page=10")
        #expect(((descending.result?["images"] as? [[String: Any]])?.first?["id"] as? String) == "img-24")
        #expect(descending.result?["continuation_token"] is String)
        #expect(try await h.call("GET", h.images + "/v2?sort_order=sideways").status == 400)
        #expect(try await h.call("GET", h.images + "/v2?continuation_token=%%%").status == 400)
    }

    @Test func keysAndBatchToken() async throws {
        let h = try EmulatorHarness()
        defer { Task { await h.stop() } }
        let keys = try await h.call("GET", h.images + "/v1/keys")
        let list = try #require(keys.result?["keys"] as? [[String: Any]])
        #expect(list.first?["name"] as? String == "default")
        #expect(list.first?["value"] as? String == EmulatorHarness.account.signingKey)
        let batch = try await h.call("GET", h.images + "/v1/batch_token")
        #expect((batch.result?["token"] as? String)?.count == 64)
        #expect(batch.result?["expiresAt"] is String)
    }
}
