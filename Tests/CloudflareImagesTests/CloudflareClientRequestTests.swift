import CloudflareImages
import Foundation
import HTTPFields
import JSON
import Testing

/// Each call's request shape (method, path, query, form fields, JSON body, Bearer header) and its decoding.
@Suite struct CloudflareClientRequestTests {
    @Test func createDirectUploadSendsTheV2Form() async throws {
        let server = try ScriptedServer { _ in
            .json(200, envelope(#"{"id":"draft-9","uploadURL":"https://upload.imagedelivery.net/h/draft-9"}"#))
        }
        defer { server.stop() }
        let client = try makeClient(baseURL: server.baseURL)
        let expiry = Date(timeIntervalSince1970: 1_893_553_445)  // 2030-01-02T03:04:05Z
        let upload = try await client.createDirectUpload(
            DirectUploadOptions(
                id: "custom/id 1", metadata: ["b": "x", "a": 1, "nested": ["z": true]], requireSignedURLs: true,
                expiry: expiry, creator: "user-7"))
        #expect(upload == DirectUpload(id: "draft-9", uploadURL: "https://upload.imagedelivery.net/h/draft-9"))

        let request = try #require(server.requests.first)
        #expect(request.method == "POST")
        #expect(request.path == "\(accountPath)/v2/direct_upload")
        #expect(request.headers["Authorization"] == "Bearer \(testToken)")
        #expect(
            request.formFields == [
                "id": "custom/id 1",
                "metadata": #"{"a":1,"b":"x","nested":{"z":true}}"#,
                "requireSignedURLs": "true",
                "expiry": "2030-01-02T03:04:05Z",
                "creator": "user-7",
            ])
    }

    @Test func createDirectUploadOmitsUnsetFields() async throws {
        let server = try ScriptedServer { _ in .json(200, envelope(#"{"id":"d","uploadURL":"u"}"#)) }
        defer { server.stop() }
        let client = try makeClient(baseURL: server.baseURL)
        _ = try await client.createDirectUpload()
        let request = try #require(server.requests.first)
        #expect(request.formParts?.isEmpty == true)
    }

    @Test func getImageDecodesEveryField() async throws {
        let server = try ScriptedServer { _ in .json(200, envelope(imageJSON)) }
        defer { server.stop() }
        let client = try makeClient(baseURL: server.baseURL)
        let image = try await client.image(id: "img-1")
        #expect(image.id == "img-1")
        #expect(image.filename == "cat.png")
        #expect(image.creator == "user-7")
        #expect(image.meta == ["k": "v", "n": 3])
        #expect(image.requireSignedURLs)
        #expect(image.variants == ["https://imagedelivery.net/h/img-1/public"])
        #expect(!image.draft)
        let uploaded = try #require(image.uploaded)
        #expect(abs(uploaded.timeIntervalSince1970 - 1_704_164_645.678) < 0.001)

        let request = try #require(server.requests.first)
        #expect(request.method == "GET")
        #expect(request.path == "\(accountPath)/v1/img-1")
        #expect(request.headers["Authorization"] == "Bearer \(testToken)")
    }

    @Test func imageIDsAreOnePathSegment() async throws {
        let server = try ScriptedServer { _ in .json(200, envelope(#"{"id":"a/b c","draft":true}"#)) }
        defer { server.stop() }
        let client = try makeClient(baseURL: server.baseURL)
        let image = try await client.image(id: "a/b c")
        #expect(image.draft)
        #expect(image.meta.isEmpty && image.variants.isEmpty && image.uploaded == nil)
        #expect(server.requests.first?.path == "\(accountPath)/v1/a%2Fb%20c")
    }

    @Test func listImagesV1SendsPageAndPerPage() async throws {
        let server = try ScriptedServer { _ in
            .json(
                200,
                envelope(
                    #"{"images":[\#(imageJSON),{"id":"img-2"}]}"#,
                    resultInfo: #"{"page":2,"per_page":50,"count":2,"total_count":52}"#))
        }
        defer { server.stop() }
        let client = try makeClient(baseURL: server.baseURL)
        let page = try await client.listImages(page: 2, perPage: 50)
        #expect(page.images.map(\.id) == ["img-1", "img-2"])
        #expect(page.page == 2 && page.perPage == 50)
        #expect(page.resultInfo == ResultInfo(page: 2, perPage: 50, count: 2, totalCount: 52))
        let request = try #require(server.requests.first)
        #expect(request.path == "\(accountPath)/v1")
        #expect(request.query == ["page": "2", "per_page": "50"])
    }

    @Test func listImagesV2SendsContinuationParameters() async throws {
        let server = try ScriptedServer { request in
            request.query["continuation_token"] == nil
                ? .json(200, envelope(#"{"images":[\#(imageJSON)],"continuation_token":"next+/="}"#))
                : .json(200, envelope(#"{"images":[],"continuation_token":null}"#))
        }
        defer { server.stop() }
        let client = try makeClient(baseURL: server.baseURL)
        let first = try await client.listImagesV2()
        #expect(first.images.count == 1)
        #expect(first.continuationToken == "next+/=")
        let second = try await client.listImagesV2(
            continuationToken: first.continuationToken, perPage: 10, sortOrder: .descending, creator: "user 7")
        #expect(second.images.isEmpty && second.continuationToken == nil)
        let requests = server.requests
        #expect(requests[0].target == "\(accountPath)/v2")
        #expect(requests[1].path == "\(accountPath)/v2")
        #expect(
            requests[1].query == [
                "continuation_token": "next+/=", "per_page": "10", "sort_order": "desc", "creator": "user 7",
            ])
    }

    @Test func updateImageSendsAJSONPatch() async throws {
        let server = try ScriptedServer { _ in .json(200, envelope(imageJSON)) }
        defer { server.stop() }
        let client = try makeClient(baseURL: server.baseURL)
        let image = try await client.updateImage(
            id: "img-1", metadata: ["k": "v", "list": [1, .null, 2.5]], requireSignedURLs: false)
        #expect(image.id == "img-1")
        let request = try #require(server.requests.first)
        #expect(request.method == "PATCH")
        #expect(request.path == "\(accountPath)/v1/img-1")
        #expect(request.headers["Content-Type"] == "application/json")
        #expect(request.bodyText == #"{"metadata":{"k":"v","list":[1,null,2.5]},"requireSignedURLs":false}"#)

        _ = try await client.updateImage(id: "img-1", requireSignedURLs: true)
        #expect(server.requests.last?.bodyText == #"{"requireSignedURLs":true}"#)
    }

    @Test(arguments: ["{}", "null"])
    func deleteImageAcceptsAnyResult(result: String) async throws {
        let server = try ScriptedServer { _ in .json(200, envelope(result)) }
        defer { server.stop() }
        let client = try makeClient(baseURL: server.baseURL)
        try await client.deleteImage(id: "img-1")
        let request = try #require(server.requests.first)
        #expect(request.method == "DELETE")
        #expect(request.path == "\(accountPath)/v1/img-1")
        #expect(request.headers["Authorization"] == "Bearer \(testToken)")
    }

    @Test func accountStatsReadsTheCount() async throws {
        let server = try ScriptedServer { _ in .json(200, envelope(#"{"count":{"allowed":100000,"current":1234}}"#)) }
        defer { server.stop() }
        let client = try makeClient(baseURL: server.baseURL)
        #expect(try await client.accountStats() == AccountStats(allowed: 100_000, current: 1234))
        #expect(server.requests.first?.path == "\(accountPath)/v1/stats")
        #expect(server.requests.first?.method == "GET")
    }

    @Test func uploadFromURLSendsTheV1Form() async throws {
        let server = try ScriptedServer { _ in .json(200, envelope(imageJSON)) }
        defer { server.stop() }
        let client = try makeClient(baseURL: server.baseURL)
        let image = try await client.uploadImage(
            fromURL: "https://example.com/cat.png",
            options: ImageUploadOptions(id: "img-1", metadata: ["k": "v"], requireSignedURLs: false))
        #expect(image.id == "img-1")
        let request = try #require(server.requests.first)
        #expect(request.method == "POST")
        #expect(request.path == "\(accountPath)/v1")
        #expect(
            request.formFields == [
                "url": "https://example.com/cat.png", "id": "img-1", "metadata": #"{"k":"v"}"#,
                "requireSignedURLs": "false",
            ])
    }

    @Test func uploadFileSendsTheBytes() async throws {
        let server = try ScriptedServer { _ in .json(200, envelope(imageJSON)) }
        defer { server.stop() }
        let client = try makeClient(baseURL: server.baseURL)
        let bytes = (0..<20_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        _ = try await client.uploadImage(
            file: bytes, filename: "cat.png", contentType: "image/png",
            options: ImageUploadOptions(requireSignedURLs: true))
        let request = try #require(server.requests.first)
        #expect(request.path == "\(accountPath)/v1")
        let parts = try #require(request.formParts)
        let file = try #require(parts.first { $0.name == "file" })
        #expect(file.filename == "cat.png")
        #expect(file.contentType == "image/png")
        #expect(file.data == bytes)
        #expect(request.formFields == ["requireSignedURLs": "true"])
    }

    @Test func signingKeysAreListedAndRedacted() async throws {
        let server = try ScriptedServer { _ in
            .json(200, envelope(#"{"keys":[{"name":"default","value":"k3y-value"}]}"#))
        }
        defer { server.stop() }
        let client = try makeClient(baseURL: server.baseURL)
        let keys = try await client.signingKeys()
        #expect(keys == [SigningKey(name: "default", value: "k3y-value")])
        #expect(!"\(keys)".contains("k3y-value"))
        #expect(server.requests.first?.path == "\(accountPath)/v1/keys")
    }

    @Test func jsonValueRoundTrips() throws {
        let value: JSONValue = ["s": "x", "i": 42, "d": 1.5, "b": false, "n": .null, "a": [1, "two"], "o": ["k": "v"]]
        let data = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(JSONValue.self, from: data) == value)
    }
}

/// `v1/stats` counts are optional in Cloudflare's schema.
@Suite struct AccountStatsDecodingTests {
    @Test(arguments: [
        (#"{"count":{"allowed":100000,"current":42}}"#, 100_000 as Int?, 42 as Int?),
        (#"{"count":{"current":42}}"#, nil, 42),
        (#"{"count":{}}"#, nil, nil),
        (#"{}"#, nil, nil),
    ])
    func decodes(_ json: String, _ allowed: Int?, _ current: Int?) throws {
        let stats = try JSONDecoder().decode(AccountStats.self, from: Data(json.utf8))
        #expect(stats == AccountStats(allowed: allowed, current: current))
    }
}
