import CloudflareImages
import Foundation
import JSON
import TestSupport
import Testing

@testable import CloudflareEmulator

/// The project's own Cloudflare client, pointed at the emulator: every call decodes into the client's types.
@Suite struct EmulatorClientInteropTests {
    func makeClient(_ h: EmulatorHarness, token: String = EmulatorHarness.account.apiToken) throws -> CloudflareClient {
        try CloudflareClient(
            configuration: .init(
                accountID: EmulatorHarness.account.accountID, apiToken: token, baseURL: h.emulator.apiBaseURL,
                requestTimeout: .seconds(10), maxAttempts: 3, callDeadline: .seconds(20),
                retryBaseDelay: .milliseconds(10), retryMaxDelay: .milliseconds(50)), logger: EmulatorHarness.logger())
    }

    @Test func everyCallRoundTripsThroughTheClientTypes() async throws {
        let h = try EmulatorHarness(mount: "/_emulator")
        defer { Task { await h.stop() } }
        let client = try makeClient(h)

        let upload = try await client.createDirectUpload(
            DirectUploadOptions(
                id: "team/a b/ü", metadata: ["owner": .string("42")], requireSignedURLs: false,
                expiry: Date().addingTimeInterval(600), creator: "u42"))
        #expect(upload.id == "team/a b/ü")
        let draft = try await client.image(id: upload.id)
        #expect(draft.draft)
        #expect(draft.variants.isEmpty)
        #expect(draft.meta["owner"] == .string("42"))
        #expect(try await h.upload(to: upload.uploadURL, bytes: ImageFixtures.png(width: 2, height: 2)).status == 200)

        let image = try await client.image(id: upload.id)
        #expect(!image.draft)
        #expect(image.creator == "u42")
        #expect(image.uploaded != nil)
        #expect(image.variants.count == 2)
        let delivered = try await h.call("GET", try #require(image.variants.first), token: nil)
        #expect(delivered.status == 200)

        let file = try await client.uploadImage(
            file: ImageFixtures.webpLossless(width: 4, height: 4), filename: "w.webp",
            options: ImageUploadOptions(id: "second", metadata: ["k": .int(1)], creator: "u42"))
        #expect(file.filename == "w.webp")

        let updated = try await client.updateImage(id: "second", metadata: ["k": .int(2)], requireSignedURLs: true)
        #expect(updated.requireSignedURLs)
        #expect(updated.meta["k"] == .int(2))

        let page = try await client.listImages(page: 1, perPage: 10)
        #expect(page.images.map(\.id).sorted() == ["second", "team/a b/ü"])
        #expect(page.resultInfo?.totalCount == 2)
        let v2 = try await client.listImagesV2(perPage: 10, sortOrder: .ascending, creator: "u42")
        #expect(v2.images.map(\.id) == ["team/a b/ü", "second"])
        #expect(v2.continuationToken == nil)

        #expect(try await client.accountStats().current == 2)
        #expect(try await client.signingKeys().first?.value == EmulatorHarness.account.signingKey)

        try await client.deleteImage(id: "second")
        await #expect(throws: CloudflareError.self) { try await client.deleteImage(id: "second") }
        do {
            _ = try await client.image(id: "second")
            Issue.record("expected not found")
        } catch let error as CloudflareError {
            guard case .notFound(let errors) = error else {
                Issue.record("got \(error)")
                return
            }
            #expect(errors.first?.code == 5404)
        }
    }

    @Test func errorsMapToTheClientsErrorCases() async throws {
        let h = try EmulatorHarness()
        defer { Task { await h.stop() } }
        do {
            _ = try await makeClient(h, token: "wrong").accountStats()
            Issue.record("expected authentication failure")
        } catch let error as CloudflareError {
            guard case .authentication(let status, let errors) = error else {
                Issue.record("got \(error)")
                return
            }
            #expect(status == 403)
            #expect(errors.first?.code == 10000)
        }
        let client = try makeClient(h)
        try h.emulator.setFaults(FaultSettings(failureRate: 1, failureStatus: 429, retryAfterSeconds: 0))
        do {
            _ = try await client.accountStats()
            Issue.record("expected rate limiting")
        } catch let error as CloudflareError {
            guard case .rateLimited = error else {
                Issue.record("got \(error)")
                return
            }
        }
        try h.emulator.setFaults(.none)
        do {
            _ = try await client.createDirectUpload(DirectUploadOptions(id: "2cdc28f0-017a-49c4-9ed7-87056c839010"))
            Issue.record("expected a rejected custom id")
        } catch let error as CloudflareError {
            guard case .clientError(400, let errors) = error else {
                Issue.record("got \(error)")
                return
            }
            #expect(errors.first?.code == 5400)
        }
    }
}
