import CloudflareImages
import JSON
import Testing

/// A direct upload with a custom id whose answer was lost (a 5xx after Cloudflare created the draft) is retried
/// and meets Cloudflare's 5409 "Resource already exists". The client must not report the id as taken when the
/// draft is the one it just created; and it must never delete anything else. Scripted by hand, as Cloudflare
/// answers, with no emulator involved.
@Suite struct DirectUploadConflictTests {
    static let exists = failure(5409, "Resource already exists. Verify the resource information and try again.")
    static let options = DirectUploadOptions(
        id: "team/avatar", metadata: ["k": "v"], requireSignedURLs: false, creator: "u1")
    static let ourDraft =
        #"{"id":"team/avatar","meta":{"k":"v"},"creator":"u1","requireSignedURLs":false,"variants":[],"draft":true}"#
    static let created = envelope(#"{"id":"team/avatar","uploadURL":"https://upload.imagedelivery.net/x/y"}"#)

    func paths(_ server: ScriptedServer) -> [String] { server.requests.map { "\($0.method) \($0.path)" } }

    @Test func aRetryThatMeetsItsOwnDraftReplacesIt() async throws {
        let server = try ScriptedServer(script: [
            .json(502, failure(5500, "bad gateway")), .json(409, Self.exists), .json(200, envelope(Self.ourDraft)),
            .json(200, envelope("{}")), .json(200, Self.created),
        ])
        defer { server.stop() }
        let client = try makeClient(baseURL: server.baseURL) { $0.maxAttempts = 4 }
        let upload = try await client.createDirectUpload(Self.options)
        #expect(upload.id == "team/avatar")
        #expect(
            paths(server) == [
                "POST \(accountPath)/v2/direct_upload", "POST \(accountPath)/v2/direct_upload",
                "GET \(accountPath)/v1/team%2Favatar", "DELETE \(accountPath)/v1/team%2Favatar",
                "POST \(accountPath)/v2/direct_upload",
            ])
    }

    @Test func aTimedOutFirstAttemptCountsAsPossiblyApplied() async throws {
        let server = try ScriptedServer(script: [
            .closeMidResponse, .json(409, Self.exists), .json(404, failure(5404, "Image not found")),
            .json(200, Self.created),
        ])
        defer { server.stop() }
        let client = try makeClient(baseURL: server.baseURL) { $0.maxAttempts = 4 }
        // The draft is gone by the time we look (expired or deleted): the id is free, the call is sent again.
        #expect(try await client.createDirectUpload(Self.options).id == "team/avatar")
        #expect(server.requests.count == 4)
    }

    @Test(arguments: [
        #"{"id":"team/avatar","meta":{"k":"v"},"creator":"u1","requireSignedURLs":false,"variants":["https://x/public"],"uploaded":"2024-01-01T00:00:00Z"}"#,
        #"{"id":"team/avatar","meta":{"k":"other"},"creator":"u1","requireSignedURLs":false,"variants":[],"draft":true}"#,
        #"{"id":"team/avatar","meta":{"k":"v"},"creator":"u2","requireSignedURLs":false,"variants":[],"draft":true}"#,
        #"{"id":"team/avatar","meta":{"k":"v"},"creator":"u1","requireSignedURLs":true,"variants":[],"draft":true}"#,
    ])
    func somebodyElsesImageIsNeverDeleted(_ existing: String) async throws {
        let server = try ScriptedServer(script: [
            .json(503, failure(5500, "unavailable")), .json(409, Self.exists), .json(200, envelope(existing)),
        ])
        defer { server.stop() }
        let client = try makeClient(baseURL: server.baseURL) { $0.maxAttempts = 4 }
        await #expect(throws: CloudflareError.self) { _ = try await client.createDirectUpload(Self.options) }
        #expect(!server.requests.contains { $0.method == "DELETE" })
        #expect(server.requests.count == 3)
    }

    @Test func outOfAttemptsAfterFreeingItsOwnDraftTheLostAnswerIsTheAnswer() async throws {
        let server = try ScriptedServer(script: [
            .json(502, failure(5500, "bad gateway")), .json(409, Self.exists), .json(200, envelope(Self.ourDraft)),
            .json(200, envelope("{}")),
        ])
        defer { server.stop() }
        let client = try makeClient(baseURL: server.baseURL) { $0.maxAttempts = 2 }
        let error = await #expect(throws: CloudflareError.self) {
            _ = try await client.createDirectUpload(Self.options)
        }
        // Never "already exists" for an id only our own lost attempt took: the draft is gone, a retry will succeed.
        #expect(error?.isAlreadyExists == false)
        #expect(error == .upstream(status: 502, errors: [APIError(code: 5500, message: "bad gateway")]))
        #expect(server.requests.count == 4 && server.requests.last?.method == "DELETE")
    }

    @Test func aConflictOnTheFirstAttemptIsTheCallersAnswer() async throws {
        let server = try ScriptedServer(script: [.json(409, Self.exists)])
        defer { server.stop() }
        let client = try makeClient(baseURL: server.baseURL)
        let error = await #expect(throws: CloudflareError.self) {
            _ = try await client.createDirectUpload(Self.options)
        }
        #expect(error?.isAlreadyExists == true)
        #expect(server.requests.count == 1)
    }

    @Test func withoutACustomIDNothingIsLookedUp() async throws {
        let server = try ScriptedServer(script: [.json(502, failure(5500, "bad gateway")), .json(409, Self.exists)])
        defer { server.stop() }
        let client = try makeClient(baseURL: server.baseURL)
        await #expect(throws: CloudflareError.self) { _ = try await client.createDirectUpload(DirectUploadOptions()) }
        #expect(server.requests.count == 2)
    }
}
