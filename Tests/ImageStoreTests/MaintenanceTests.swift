import Foundation
import ImageStore
import JSON
import SQLite
import TestSupport
import Testing

struct MaintenanceTests {
    @Test(arguments: RepositoryBackend.all) func expireSweepMarksOnlyStalePendingAndDraftWithLogs(
        _ backend: RepositoryBackend
    ) async throws {
        let store = try await BackendStore(backend)
        let repo = store.repository
        let now = store.clock.now
        let stale = try await repo.insert(.sample("stale", expiresAt: now.addingTimeInterval(-60)), log: .created)
        _ = try await repo.insert(
            .sample("staleDraft", status: .draft, expiresAt: now.addingTimeInterval(-1)), log: .created)
        _ = try await repo.insert(.sample("fresh", expiresAt: now.addingTimeInterval(60)), log: .created)
        _ = try await repo.insert(
            .sample("done", status: .uploaded, expiresAt: now.addingTimeInterval(-60)), log: .created)

        let preview = try await repo.expirable(now: now, limit: 1)
        #expect(preview.count == 2 && preview.items.map(\.cloudflareID) == ["stale"])

        var expired: [ImageRecord] = []
        for image in try await repo.expirable(now: now, limit: 10).items + [
            try #require(try await repo.image(.cloudflareID("fresh"), owner: nil))
        ] {
            if let done = try await repo.expire(
                image.id, expiringBefore: now, log: LogEvent("upload_expired"),
                owing: image.cloudflareID == "stale" ? .deleteDraft : nil)
            {
                expired.append(done)
            }
        }
        #expect(Set(expired.map(\.cloudflareID)) == ["stale", "staleDraft"])
        #expect(expired.allSatisfy { $0.status == .expired && $0.updatedAt == now })
        #expect(try await repo.logs(imageID: stale.id, limit: 1).first?.eventType == "upload_expired")
        #expect(
            try await repo.expire(stale.id, expiringBefore: now, log: LogEvent("upload_expired"), owing: nil) == nil)
        let owed = try await repo.cloudflareFollowUps(.deleteDraft, limit: 10)
        #expect(owed.map(\.cloudflareID) == ["stale"] && owed.first?.imageID == stale.id)
        try await repo.recordCloudflareFollowUpFailure(
            .deleteDraft, cloudflareID: "stale", error: "Cloudflare: upstream failure")
        #expect(try await repo.cloudflareFollowUp(.deleteDraft, imageID: stale.id)?.attempts == 1)
        #expect(
            try await repo.cloudflareFollowUp(.deleteDraft, imageID: stale.id)?.lastError
                == "Cloudflare: upstream failure")
        #expect(try await repo.settleCloudflareFollowUp(.deleteDraft, cloudflareID: "stale"))
        #expect(try await repo.cloudflareFollowUps(.deleteDraft, limit: 10).isEmpty)
        #expect(try await repo.image(.cloudflareID("fresh"), owner: nil)?.status == .pending)
        #expect(try await repo.image(.cloudflareID("done"), owner: nil)?.status == .uploaded)

        #expect(try await repo.deleteExpired(updatedBefore: now) == 0)
        #expect(try await repo.deleteExpired(updatedBefore: now.addingTimeInterval(1)) == 2)
        #expect(try await repo.counts(owner: nil).total == 2)
    }

    @Test(arguments: RepositoryBackend.all) func webhookEventsAreRecordedOnce(_ backend: RepositoryBackend) async throws
    {
        let store = try await BackendStore(backend)
        #expect(try await store.repository.recordWebhookEvent(key: "evt-1"))
        #expect(try await !store.repository.recordWebhookEvent(key: "evt-1"))
        store.clock.advance(10)
        #expect(try await store.repository.recordWebhookEvent(key: "evt-2"))
        #expect(try await store.repository.pruneWebhookEvents(receivedBefore: store.clock.now) == 1)
        #expect(try await store.repository.recordWebhookEvent(key: "evt-1"))
    }

    @Test(arguments: RepositoryBackend.all) func applyWebhookChangesOnceAndRecordsKeyWithTheChange(
        _ backend: RepositoryBackend
    ) async throws {
        let store = try await BackendStore(backend)
        let repo = store.repository
        let image = try await repo.insert(.sample("wh"), log: .created)
        let body: @Sendable (inout ImageRecord) throws -> LogEvent = { record in
            record.status = .uploaded
            record.variants = ["https://imagedelivery.net/h/wh/public"]
            return LogEvent(
                "webhook_received", message: "Webhook processed successfully", data: ["payload": ["id": "wh"]])
        }
        #expect(try await repo.applyWebhook(eventKey: "k", cloudflareID: "unknown", body) == .unknownImage)
        guard case .applied(let updated) = try await repo.applyWebhook(eventKey: "k", cloudflareID: "wh", body) else {
            Issue.record("expected applied")
            return
        }
        #expect(updated.status == .uploaded)
        #expect(try await repo.applyWebhook(eventKey: "k", cloudflareID: "wh", body) == .duplicate)
        #expect(
            try await repo.logs(imageID: image.id, limit: nil).filter { $0.eventType == "webhook_received" }.count == 1)

        // A failing change records nothing, so the redelivery is processed.
        struct Broken: Error {}
        await #expect(throws: Broken.self) {
            try await repo.applyWebhook(eventKey: "k2", cloudflareID: "wh") { _ in throw Broken() }
        }
        #expect(try await repo.recordWebhookEvent(key: "k2"))
    }
}
