import Foundation
import HTTPClient
import HTTPFields
import Testing

@testable import CloudflareEmulator

/// Behaviour Cloudflare documents that a client could get wrong: `v2` lists by upload time (a direct upload
/// created early and uploaded late comes late), and `PATCH v1/{id}` may answer with a new id when
/// `requireSignedURLs` changes (API reference: "Returns a new UID on a change").
@Suite struct EmulatorDriftTests {
    func ids(_ reply: Reply) -> [String] {
        (reply.result?["images"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    @Test func v2ListsByUploadTimeNotByCreation() async throws {
        let h = try EmulatorHarness()
        defer { Task { await h.stop() } }
        var urls: [String: String] = [:]
        for name in ["first-created", "second-created", "third-created"] {
            urls[name] = try await h.directUpload([("id", name)]).uploadURL
        }
        for (step, name) in ["third-created", "first-created", "second-created"].enumerated() {
            h.emulator.clockOffset.set(Int64(step + 1) * 1000)
            #expect(
                try await h.upload(to: urls[name] ?? "", bytes: ImageFixtures.gif(width: 1, height: 1)).status == 200)
        }
        let ascending = try await h.call("GET", h.images + "/v2?sort_order=asc")
        #expect(ids(ascending) == ["third-created", "first-created", "second-created"])
        let descending = try await h.call("GET", h.images + "/v2?sort_order=desc")
        #expect(ids(descending) == ["second-created", "first-created", "third-created"])
        #expect(ids(try await h.call("GET", h.images + "/v1")) == ["third-created", "first-created", "second-created"])

        // Pages of one (the minimum is 10, so more images): the continuation token keeps the upload order.
        for index in 0..<12 {
            h.emulator.clockOffset.set(Int64(10 + index) * 1000)
            let (id, url) = try await h.directUpload([("id", "later-\(index)")])
            #expect(try await h.upload(to: url, bytes: ImageFixtures.gif(width: 1, height: 1)).status == 200)
            _ = id
        }
        var seen: [String] = []
        var token: String?
        repeat {
            var url = h.images + "/v2?per_page=10&sort_order=asc"
            if let token {
                url +=
                    "&continuation_token=" + (token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            }
            let reply = try await h.call("GET", url)
            #expect(reply.status == 200)
            seen += ids(reply)
            token = reply.result?["continuation_token"] as? String
        } while token != nil && seen.count < 100
        #expect(seen == ["third-created", "first-created", "second-created"] + (0..<12).map { "later-\($0)" })
    }

    @Test func aSigningChangeMayRenewTheID() async throws {
        let h = try EmulatorHarness()
        defer { Task { await h.stop() } }
        let (id, url) = try await h.directUpload()
        #expect(try await h.upload(to: url, bytes: ImageFixtures.gif(width: 2, height: 2)).status == 200)
        try h.emulator.setFaults(FaultSettings(renewsIDOnSigningChange: true))
        let json: HTTPHeaders = ["Content-Type": "application/json"]
        // Metadata alone keeps the id.
        let meta = try await h.call(
            "PATCH", h.images + "/v1/\(id)", body: .bytes(Array(#"{"metadata":{"a":1}}"#.utf8)), headers: json)
        #expect(meta.result?["id"] as? String == id)
        let patched = try await h.call(
            "PATCH", h.images + "/v1/\(id)", body: .bytes(Array(#"{"requireSignedURLs":true}"#.utf8)), headers: json)
        #expect(patched.status == 200)
        let newID = try #require(patched.result?["id"] as? String)
        #expect(newID != id)
        #expect((patched.result?["variants"] as? [String])?.allSatisfy { $0.contains("/\(newID)/") } == true)
        #expect(try await h.call("GET", h.images + "/v1/\(id)").status == 404)
        let moved = try await h.call("GET", h.images + "/v1/\(newID)")
        #expect(moved.result?["requireSignedURLs"] as? Bool == true)
        #expect((moved.result?["meta"] as? [String: Any])?["a"] as? Int == 1)
        #expect(h.emulator.store.bytes(id: newID) != nil)
        // The same value again is no change: the id stays.
        let again = try await h.call(
            "PATCH", h.images + "/v1/\(newID)", body: .bytes(Array(#"{"requireSignedURLs":true}"#.utf8)), headers: json)
        #expect(again.result?["id"] as? String == newID)
    }

    @Test func fewerAcceptedFormatsStandForADeploymentsLimit() async throws {
        let h = try EmulatorHarness {
            $0.acceptedFormats = [.png]
            $0.maxFileBytes = 1024
        }
        defer { Task { await h.stop() } }
        let (_, url) = try await h.directUpload()
        let gif = try await h.upload(to: url, bytes: ImageFixtures.gif(width: 1, height: 1))
        #expect(gif.status == 415 && gif.errorCode == 5455)
        let (_, second) = try await h.directUpload()
        let big = try await h.upload(
            to: second, bytes: ImageFixtures.gif(width: 1, height: 1) + [UInt8](repeating: 0, count: 2048))
        #expect(big.status == 413 && big.errorCode == 5413)
    }
}
