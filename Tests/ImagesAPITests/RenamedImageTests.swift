import CloudflareEmulator
import CloudflareImages
import Foundation
import ImageStore
import JSON
import Testing

/// Cloudflare's API reference for `PATCH images/v1/{id}`: a change of `requireSignedURLs` "Returns a new UID".
/// The row must follow the id Cloudflare answers with, or every later call (status, delete, signed URLs) would
/// name an image that no longer exists.
@Suite struct RenamedImageTests {
    @Test(.timeLimit(.minutes(1)))
    func anUploadedImageFollowsTheNewID() async throws {
        try await withFaultService(emulated: true, client: LostAnswerTests.configuration) { service in
            let emulator = try #require(service.emulator)
            let cloudflare = try LostAnswerTests.inspector(emulator)
            let (created, _) = try await service.send(
                "POST", "api/upload-url/", json: #"{"require_signed_urls":false}"#)
            let id = try #require(created.object?.string("id"))
            let oldID = try #require(created.object?.string("cloudflare_id"))
            let uploadURL = try #require(created.object?.string("upload_url"))
            #expect(try await LostAnswerTests.upload(to: uploadURL) == 200)
            #expect(try await service.send("POST", "api/images/\(id)/check_status/").0.status == 200)

            try emulator.setFaults(FaultSettings(renewsIDOnSigningChange: true))
            let (patched, _) = try await service.send(
                "PATCH", "api/images/\(id)/", json: #"{"require_signed_urls":true}"#)
            #expect(patched.status == 200, "\(patched.text)")
            let newID = try #require(patched.object?.string("cloudflare_id"))
            #expect(newID != oldID)
            #expect(try await cloudflare.image(id: newID).requireSignedURLs)
            let (checked, _) = try await service.send("POST", "api/images/\(id)/check_status/")
            #expect(checked.status == 200, "\(checked.text)")
            let imageID = try #require(UUID(uuidString: id))
            let logs = try await service.repository.logs(imageID: imageID, limit: nil)
            #expect(
                logs.contains {
                    $0.eventType == "image_updated"
                        && $0.data["cloudflare_id"] == ["from": .string(oldID), "to": .string(newID)]
                })
            let (deleted, _) = try await service.send("DELETE", "api/images/\(id)/")
            #expect(deleted.status == 204)
            await #expect(throws: CloudflareError.self) { _ = try await cloudflare.image(id: newID) }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func settingsAppliedAfterTheUploadFollowTheNewIDAndSettle() async throws {
        try await withFaultService(emulated: true, client: LostAnswerTests.configuration) { service in
            let emulator = try #require(service.emulator)
            let cloudflare = try LostAnswerTests.inspector(emulator)
            try emulator.setFaults(FaultSettings(renewsIDOnSigningChange: true))
            let (created, _) = try await service.send(
                "POST", "api/upload-url/", json: #"{"require_signed_urls":false}"#)
            let id = try #require(created.object?.string("id"))
            let oldID = try #require(created.object?.string("cloudflare_id"))
            // Changed while pending: owed to Cloudflare until the upload is seen.
            #expect(
                try await service.send("PATCH", "api/images/\(id)/", json: #"{"require_signed_urls":true}"#).0.status
                    == 200)
            let uploadURL = try #require(created.object?.string("upload_url"))
            #expect(try await LostAnswerTests.upload(to: uploadURL) == 200)
            let (checked, _) = try await service.send("POST", "api/images/\(id)/check_status/")
            #expect(checked.status == 200, "\(checked.text)")
            let imageID = try #require(UUID(uuidString: id))
            let stored = try #require(try await service.repository.image(.id(imageID), owner: nil))
            #expect(stored.cloudflareID != oldID)
            #expect(stored.requireSignedURLs)
            #expect(try await cloudflare.image(id: stored.cloudflareID).requireSignedURLs)
            #expect(try await service.repository.cloudflareFollowUps(.applySettings, limit: 10).isEmpty)
        }
    }
}
