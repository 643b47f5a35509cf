import Foundation
import HTTPClient
import HTTPFields
import TestSupport
import Testing

@testable import CloudflareEmulator

@Suite struct EmulatorUploadTests {
    @Test(arguments: [
        ("png", ImageFixtures.png(width: 5, height: 4), 5, 4),
        ("gif", ImageFixtures.gif(width: 9, height: 2), 9, 2),
        ("jpeg", ImageFixtures.jpeg(width: 800, height: 600, sof: 0xC2), 800, 600),
        ("webp", ImageFixtures.webpExtended(width: 30, height: 20), 30, 20),
        ("svg", ImageFixtures.svg(width: 12, height: 6), 12, 6),
    ])
    func directUploadSniffsEachFormat(format: String, bytes: [UInt8], width: Int, height: Int) async throws {
        let h = try EmulatorHarness()
        defer { Task { await h.stop() } }
        let (id, url) = try await h.directUpload()
        let reply = try await h.upload(to: url, bytes: bytes, filename: "x.\(format)")
        #expect(reply.status == 200)
        #expect(reply.result?["id"] as? String == id)
        let stored = try #require(try await h.emulator.store.image(id: id))
        #expect(stored.format?.rawValue == format)
        #expect(stored.width == width)
        #expect(stored.height == height)
        #expect(stored.size == bytes.count)
        let delivered = try await h.call(
            "GET", "\(h.base)/imagedelivery/\(EmulatorHarness.account.accountHash)/\(id)/public", token: nil)
        #expect(delivered.status == 200)
        #expect(delivered.response.body == bytes)
        #expect(delivered.response.headers["Content-Type"] == ImageFormat(rawValue: format)?.mimeType)
        #expect((delivered.response.headers["Content-Security-Policy"] != nil) == (format == "svg"))
    }

    @Test func uploadURLErrors() async throws {
        let h = try EmulatorHarness { $0.maxFileBytes = 1000 }
        defer { Task { await h.stop() } }
        let png = ImageFixtures.png(width: 2, height: 2)

        let (_, url) = try await h.directUpload()
        let wrongField = try await h.upload(to: url, bytes: png, field: "image")
        #expect(wrongField.status == 400)
        #expect(wrongField.errorCode == 5415)
        let notImage = try await h.upload(to: url, bytes: Array("just text".utf8))
        #expect(notImage.status == 415)
        #expect(notImage.errorCode == 5455)
        let tooBig = try await h.upload(to: url, bytes: png + Array(repeating: 0, count: 1000))
        #expect(tooBig.status == 413)
        #expect(tooBig.success == false)
        // Failed attempts leave the URL usable; the first good upload consumes it.
        #expect(try await h.upload(to: url, bytes: png).status == 200)
        let second = try await h.upload(to: url, bytes: png)
        #expect(second.status == 409)
        #expect(second.errorCode == 5409)

        let unknown = try await h.upload(to: h.base + "/upload/00ff", bytes: png)
        #expect(unknown.status == 404)

        let (_, expiring) = try await h.directUpload()
        h.emulator.clockOffset.set(31 * 60 * 1000)
        let expired = try await h.upload(to: expiring, bytes: png)
        #expect(expired.status == 410)
        #expect(expired.errorCode == 5400)
        #expect(expired.errorMessage?.contains("expired") == true)
    }

    @Test func concurrentUploadsToOneURLStoreExactlyOnce() async throws {
        let h = try EmulatorHarness()
        defer { Task { await h.stop() } }
        let (_, url) = try await h.directUpload()
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<8 {
                group.addTask { try await h.upload(to: url, bytes: ImageFixtures.gif(width: i + 1, height: 1)).status }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses.filter { $0 == 200 }.count == 1)
        #expect(statuses.filter { $0 == 409 }.count == 7)
    }

    @Test func v1UploadByFileAndByURL() async throws {
        // The source is the emulator itself, on loopback.
        let h = try EmulatorHarness { $0.allowPrivateURLs = true }
        defer { Task { await h.stop() } }
        let jpeg = ImageFixtures.jpeg(width: 10, height: 20)
        let byFile = try await h.call(
            "POST", h.images + "/v1",
            body: h.form(
                [("id", "by-file"), ("metadata", #"{"a":1}"#)], file: ("file", "a.jpg", jpeg)))
        #expect(byFile.status == 200)
        #expect(byFile.result?["requireSignedURLs"] as? Bool == false)
        let privateWithID = try await h.call(
            "POST", h.images + "/v1",
            body: h.form(
                [("id", "private"), ("requireSignedURLs", "true")], file: ("file", "a.jpg", jpeg)))
        #expect(privateWithID.status == 400, "Cloudflare: custom-id images cannot require signed URLs")
        #expect(byFile.result?["filename"] as? String == "a.jpg")
        #expect((byFile.result?["variants"] as? [String])?.count == 2)

        // The emulator fetches from its own delivery URL of a public copy.
        let publicCopy = try await h.call(
            "POST", h.images + "/v1", body: h.form([("id", "public-copy")], file: ("file", "b.jpg", jpeg)))
        #expect(publicCopy.status == 200)
        let source = "\(h.base)/imagedelivery/\(EmulatorHarness.account.accountHash)/public-copy/public"
        let byURL = try await h.call("POST", h.images + "/v1", body: h.form([("url", source), ("id", "by-url")]))
        #expect(byURL.status == 200)
        #expect(try await h.emulator.store.image(id: "by-url")?.width == 10)

        let both = try await h.call(
            "POST", h.images + "/v1", body: h.form([("url", source)], file: ("file", "c.jpg", jpeg)))
        #expect(both.status == 400)
        let neither = try await h.call("POST", h.images + "/v1", body: h.form([("id", "nothing")]))
        #expect(neither.errorCode == 5415)
        let badURL = try await h.call("POST", h.images + "/v1", body: h.form([("url", "ftp://example.com/a.png")]))
        #expect(badURL.status == 400)
        let missing = try await h.call("POST", h.images + "/v1", body: h.form([("url", "\(h.base)/nothing-here")]))
        #expect(missing.status == 400)
        let duplicate = try await h.call(
            "POST", h.images + "/v1", body: h.form([("id", "by-file")], file: ("file", "a.jpg", jpeg)))
        #expect(duplicate.status == 409)
    }

    @Test func stateSurvivesRestart() async throws {
        let directory = try EmulatorHarness.makeDirectory()
        let first = try EmulatorHarness(directory: directory)
        let (id, url) = try await first.directUpload([("metadata", #"{"keep":"me"}"#)])
        let gif = ImageFixtures.gif(width: 3, height: 3)
        #expect(try await first.upload(to: url, bytes: gif).status == 200)
        let (draftID, draftURL) = try await first.directUpload()
        await first.stop(removeDirectory: false)

        let second = try EmulatorHarness(directory: directory)
        defer { Task { await second.stop() } }
        let image = try await second.call("GET", second.images + "/v1/" + id)
        #expect(image.status == 200)
        #expect((image.result?["meta"] as? [String: Any])?["keep"] as? String == "me")
        let bytes = try await second.call(
            "GET", "\(second.base)/imagedelivery/\(EmulatorHarness.account.accountHash)/\(id)/thumbnail", token: nil)
        #expect(bytes.response.body == gif)
        // The draft's upload URL still works after the restart (its host changed with the new port).
        let token = String(draftURL.split(separator: "/").last!)
        #expect(try await second.upload(to: second.base + "/upload/" + token, bytes: gif).status == 200)
        #expect(try await second.call("GET", second.images + "/v1/" + draftID).result?["draft"] == nil)
    }
}
