import CloudflareEmulator
import Configuration
import Foundation
import ImageStore
import ImagesAPI
import JSON
import TestSupport
import Testing

/// The expiry sweep asks Cloudflare before it expires anything, and never deletes an uploaded image.
@Suite struct CleanupSafetyTests {
    /// A pending upload of alice's whose URL expired `age` seconds ago (the clock is moved).
    static func expiredUpload(_ h: APIHarness, _ customID: String, age: TimeInterval = 600) async throws -> UUID {
        let alice = try await h.token("alice")
        let object = try await h.createUpload(alice, #"{"custom_id":"\#(customID)","expiry_minutes":2}"#)
        h.clock.advance(120 + age)
        return try #require(UUID(uuidString: object.string("id") ?? ""))
    }

    static func status(_ h: APIHarness, _ id: UUID) async throws -> ImageStatus? {
        try await h.repository.image(.id(id), owner: nil)?.status
    }

    @Test func anUploadCompletedWithoutAWebhookIsKeptAndMarkedUploaded() async throws {
        try await withHarness { h in
            let id = try await Self.expiredUpload(h, "arrived")
            try await h.completeUpload("arrived")
            let report = try await h.api.cleanup.run()
            #expect(report.expiredCount == 0 && report.confirmedUploaded == 1)
            #expect(h.faults.calls(.delete) == 0)
            #expect(try await h.emulator.image("arrived")?.draft == false, "the image must still be at Cloudflare")
            let image = try #require(try await h.repository.image(.id(id), owner: nil))
            #expect(image.status == .uploaded && image.variants.count == 2)
            #expect(try await h.repository.logs(imageID: id, limit: 1).first?.eventType == "upload_confirmed")
            // Through the admin endpoint too.
            let root = try await h.token("root", admin: true)
            let other = try await Self.expiredUpload(h, "arrived-2")
            try await h.completeUpload("arrived-2")
            let response = try await h.send("POST", "api/cleanup-expired/", token: root)
            #expect(response.text == #"{"message":"Marked 0 expired images","expired_count":0}"#)
            #expect(try await Self.status(h, other) == .uploaded)
            #expect(try await h.emulator.image("arrived-2")?.draft == false)
        }
    }

    @Test func aDraftPastExpiryIsDeletedAndExpiredAndAnUnknownOneExpired() async throws {
        try await withHarness { h in
            let draft = try await Self.expiredUpload(h, "draft")
            let gone = try await Self.expiredUpload(h, "gone", age: 0)
            try await h.emulator.removeImage("gone")
            h.clock.advance(600)
            let report = try await h.api.cleanup.run()
            #expect(report.expiredCount == 2 && report.cloudflareDeleted == 1 && report.confirmedUploaded == 0)
            #expect(try await h.emulator.image("draft") == nil)
            #expect(try await Self.status(h, draft) == .expired)
            #expect(try await Self.status(h, gone) == .expired)
        }
    }

    @Test func whenCloudflareCannotBeReachedNothingIsExpiredOrDeleted() async throws {
        try await withHarness(requestTimeout: .milliseconds(300)) { h in
            let id = try await Self.expiredUpload(h, "waiting")
            for fault: CloudflareFaults.Fault in [.status(503), .status(500), .apiError("boom"), .hang(.seconds(2))] {
                h.faults.inject(fault, for: .get)
                let report = try await h.api.cleanup.run()
                #expect(report.expiredCount == 0 && report.deferredCount == 1, "\(fault)")
                #expect(try await Self.status(h, id) == .pending, "\(fault)")
            }
            #expect(h.faults.calls(.delete) == 0)
            #expect(try await h.emulator.image("waiting") != nil)
            // Cloudflare is back, and the upload had arrived meanwhile.
            h.faults.inject(nil, for: .get)
            try await h.completeUpload("waiting")
            #expect(try await h.api.cleanup.run().confirmedUploaded == 1)
            #expect(try await Self.status(h, id) == .uploaded)
        }
    }

    @Test func aFailedDraftDeleteIsRememberedAndRetried() async throws {
        try await withHarness { h in
            let id = try await Self.expiredUpload(h, "stuck")
            h.faults.inject(.status(503), for: .delete)
            let first = try await h.api.cleanup.run()
            #expect(first.expiredCount == 1 && first.cloudflareFailures >= 1)
            #expect(try await Self.status(h, id) == .expired)
            #expect(
                try await h.repository.cloudflareFollowUps(.deleteDraft, limit: 10).map(\.cloudflareID) == ["stuck"])
            #expect(try await h.emulator.image("stuck") != nil)
            let stillDown = try await h.api.cleanup.run()
            #expect(stillDown.cloudflareFailures == 1 && stillDown.expiredCount == 0)
            #expect(try await h.repository.cloudflareFollowUp(.deleteDraft, imageID: id)?.attempts ?? 0 >= 2)
            h.faults.inject(nil, for: .delete)
            let retried = try await h.api.cleanup.run()
            #expect(retried.cloudflareDeleted == 1)
            #expect(try await h.emulator.image("stuck") == nil)
            #expect(try await h.repository.cloudflareFollowUps(.deleteDraft, limit: 10).isEmpty)
        }
    }

    @Test func anUploadJustPastItsExpiryIsLeftAloneForTheGracePeriod() async throws {
        try await withHarness { h in
            let id = try await Self.expiredUpload(h, "late", age: CleanupService.uploadGrace - 10)
            let report = try await h.api.cleanup.run()
            #expect(report.expiredCount == 0 && report.deferredCount == 0)
            #expect(h.faults.calls(.get) == 0)
            #expect(try await Self.status(h, id) == .pending)
        }
    }

    @Test func webhookDeliveriesAreForgottenAfterTheRetention() async throws {
        try await withHarness(configure: { $0.webhookRetentionHours = 1 }) { h in
            let recorded = try await h.repository.recordWebhookEvent(key: "old")
            #expect(recorded)
            h.clock.advance(3_601)
            let report = try await h.api.cleanup.run()
            #expect(report.webhookEventsPruned == 1)
            #expect(try await h.repository.recordWebhookEvent(key: "old"))
        }
    }
}
