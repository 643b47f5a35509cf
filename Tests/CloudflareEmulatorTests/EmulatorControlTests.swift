import CloudflareEmulator
import Foundation
import HTTPClient
import JSON
import Synchronization
import TestSupport
import Testing

/// The in-process controls (`image`, `putImage`, `removeImage`, `markUploaded`) and the configuration a harness
/// beside a service uses (`variantBaseURL`, `clock`): what the API then answers.
@Suite struct EmulatorControlTests {
    /// 2026-01-02T03:04:05.678Z.
    static let time = Date(timeIntervalSince1970: 1_767_323_045.678)

    @Test func markUploadedCompletesADraftAtTheGivenTimeWithoutAFile() async throws {
        let h = try EmulatorHarness()
        defer { Task { await h.stop() } }
        let (id, uploadURL) = try await h.directUpload([("id", "shop/1"), ("metadata", #"{"k":"v"}"#)])
        let calls = h.emulator.apiCallCount
        #expect(try await h.emulator.markUploaded(id, at: Self.time, filename: "a.jpg"))
        #expect(h.emulator.apiCallCount == calls, "a control is no API call")

        let image = try #require(try await h.call("GET", h.images + "/v1/shop/1").result)
        #expect(image["draft"] == nil)
        #expect(image["uploaded"] as? String == "2026-01-02T03:04:05.678Z")
        #expect(image["filename"] as? String == "a.jpg")
        #expect((image["variants"] as? [String])?.count == 2)
        #expect((image["meta"] as? [String: Any])?["k"] as? String == "v")
        #expect(
            try await h.emulator.image(id)
                == StoredImage(
                    id: id, filename: "a.jpg", metadata: ["k": "v"], uploaded: Self.time, draft: false))

        // Done once: not again, not for an id that is no draft, and the upload URL is spent.
        #expect(try await h.emulator.markUploaded(id, at: Self.time) == false)
        #expect(try await h.emulator.markUploaded("nobody", at: Self.time) == false)
        #expect(try await h.upload(to: uploadURL, bytes: ImageFixtures.png(width: 1, height: 1)).status == 409)
        // No bytes arrived, so there is nothing to deliver.
        #expect(
            try await h.call("GET", "\(h.base)/imagedelivery/\(EmulatorHarness.account.accountHash)/shop/1/public")
                .status == 404)
    }

    @Test func putImagePlacesAnImageTheAPIThenReports() async throws {
        let h = try EmulatorHarness()
        defer { Task { await h.stop() } }
        let foreign = StoredImage(
            id: "elsewhere", filename: "e.png", creator: "app-7", metadata: ["n": 1], requireSignedURLs: true,
            uploaded: Self.time, draft: false)
        try await h.emulator.putImage(foreign)
        #expect(try await h.emulator.image("elsewhere") == foreign)
        let image = try #require(try await h.call("GET", h.images + "/v1/elsewhere").result)
        #expect(image["creator"] as? String == "app-7")
        #expect(image["requireSignedURLs"] as? Bool == true)
        #expect(image["uploaded"] as? String == "2026-01-02T03:04:05.678Z")
        let listed = try await h.call("GET", h.images + "/v1")
        #expect((listed.result?["images"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["elsewhere"])
        #expect(
            try await h.call("POST", h.images + "/v2/direct_upload", body: h.form([("id", "elsewhere")])).status == 409)

        // Changed behind a client's back: the fields change, the draft keeps its upload URL.
        let (id, uploadURL) = try await h.directUpload()
        var draft = try #require(try await h.emulator.image(id))
        #expect(draft.draft)
        draft.requireSignedURLs = true
        draft.metadata = ["changed": true]
        try await h.emulator.putImage(draft)
        #expect(try await h.emulator.image(id) == draft)
        #expect(try await h.upload(to: uploadURL, bytes: ImageFixtures.png(width: 2, height: 2)).status == 200)
        let uploaded = try #require(try await h.emulator.image(id))
        #expect(!uploaded.draft && uploaded.requireSignedURLs && uploaded.metadata == ["changed": true])
    }

    @Test func removeImageDeletesItAndItsBytes() async throws {
        let h = try EmulatorHarness()
        defer { Task { await h.stop() } }
        let (id, uploadURL) = try await h.directUpload([("id", "gone")])
        #expect(try await h.upload(to: uploadURL, bytes: ImageFixtures.png(width: 2, height: 2)).status == 200)
        let delivery = "\(h.base)/imagedelivery/\(EmulatorHarness.account.accountHash)/gone/public"
        #expect(try await h.call("GET", delivery).status == 200)
        #expect(try await h.emulator.removeImage(id))
        #expect(try await h.emulator.image(id) == nil)
        #expect(try await h.call("GET", h.images + "/v1/gone").status == 404)
        #expect(try await h.call("GET", delivery).status == 404)
        #expect(try await h.emulator.removeImage(id) == false)
    }

    @Test func variantURLsOnAnotherBaseAndDeliveryStillServed() async throws {
        let h = try EmulatorHarness(configure: { $0.variantBaseURL = "https://imagedelivery.net/" })
        defer { Task { await h.stop() } }
        let (_, uploadURL) = try await h.directUpload([("id", "a b/c")])
        #expect(try await h.upload(to: uploadURL, bytes: ImageFixtures.png(width: 2, height: 2)).status == 200)
        let hash = EmulatorHarness.account.accountHash
        let image = try #require(try await h.call("GET", h.images + "/v1/a%20b/c").result)
        #expect(
            image["variants"] as? [String] == [
                "https://imagedelivery.net/\(hash)/a%20b/c/public",
                "https://imagedelivery.net/\(hash)/a%20b/c/thumbnail",
            ])
        #expect(try await h.call("GET", "\(h.base)/imagedelivery/\(hash)/a%20b/c/public").status == 200)
    }

    @Test func theConfiguredClockDatesDraftsAndBoundsExpiry() async throws {
        let start = Date(timeIntervalSince1970: 1_767_323_045)  // 2026-01-02T03:04:05Z
        let clock = Mutex(start)
        let h = try EmulatorHarness(configure: { configuration in
            configuration.clock = { clock.withLock { $0 } }
        })
        defer { Task { await h.stop() } }
        let (id, _) = try await h.directUpload()
        #expect(try await h.emulator.image(id)?.uploaded == start)
        // An hour ahead of the configured clock is in range, whatever the wall clock says.
        let expiry = "2026-01-02T04:04:05Z"
        #expect(
            try await h.call("POST", h.images + "/v2/direct_upload", body: h.form([("expiry", expiry)])).status == 200)
        clock.withLock { $0 += 7 * 3600 }
        #expect(
            try await h.call("POST", h.images + "/v2/direct_upload", body: h.form([("expiry", expiry)])).status == 400)
    }
}
