import Foundation
import ImageStore
import SQLite
import Testing
import TestSupport

/// The outbox: every image change writes its event in the change's own transaction, nothing else does.
@Suite struct EventOutboxTests {
    struct Refused: Error {}

    func endpoint(_ store: TestStore, events: [ImageEventType] = []) async throws -> EventEndpoint {
        try await store.repository.createEventEndpoint(EventEndpoint(
            id: "ep_test", url: "http://127.0.0.1:1/", description: "", events: events, secret: "s",
            createdAt: store.clock.now, updatedAt: store.clock.now))
    }

    func types(_ store: TestStore) async throws -> [String] {
        try await store.repository.recentEvents(limit: 100).reversed().map(\.event.type.rawValue)
    }

    @Test func eachChangeWritesItsEventAndAFailedOneNothing() async throws {
        let store = try await TestStore()
        _ = try await endpoint(store, events: [.uploaded, .deleted])
        let image = try await store.repository.insert(.sample("cf-1"), log: .created)
        _ = try await store.repository.update(.id(image.id), owner: nil) { record in
            record.filename = "x.png"
            return LogEvent("image_updated")
        }
        await #expect(throws: Refused.self) {
            _ = try await store.repository.update(.id(image.id), owner: nil) { record in
                record.status = .uploaded
                throw Refused()
            }
        }
        // A write that changes nothing but the timestamp reports nothing.
        _ = try await store.repository.update(.id(image.id), owner: nil) { _ in LogEvent("status_checked") }
        _ = try await store.repository.transition(
            .id(image.id), owner: nil, to: .uploaded(StatusTransition.UploadedDetails(uploadedAt: store.clock.now)), log: LogEvent("webhook_received"))
        #expect(try await store.repository.delete(.id(image.id), owner: nil))
        #expect(try await types(store) == ["image.upload_url_created", "image.updated", "image.uploaded", "image.deleted"])
        // Deliveries only for the types the endpoint takes; the deleted event keeps the image as it was.
        let events = try await store.repository.recentEvents(limit: 100)
        #expect(events.filter { !$0.deliveries.isEmpty }.map(\.event.type) == [.deleted, .uploaded])
        #expect(events.first?.event.image.status == .uploaded && events.first?.event.image.filename == "x.png")
        #expect(try await store.repository.deliveryBacklog() == ["ep_test": 2])
    }

    @Test func expiryAndItsCleanupAreReported() async throws {
        let store = try await TestStore()
        let image = try await store.repository.insert(.sample("cf-2"), log: .created)
        store.clock.advance(3_600)
        _ = try await store.repository.expire(image.id, expiringBefore: store.clock.now, log: LogEvent("expired"), owing: nil)
        store.clock.advance(3_600)
        #expect(try await store.repository.deleteExpired(updatedBefore: store.clock.now) == 1)
        #expect(try await types(store) == ["image.upload_url_created", "image.expired", "image.deleted"])
    }

    @Test func dueDeliveriesAreTheOldestPendingOnePerEndpointAndImage() async throws {
        let store = try await TestStore()
        _ = try await endpoint(store)
        let a = try await store.repository.insert(.sample("cf-a"), log: .created)
        _ = try await store.repository.insert(.sample("cf-b"), log: .created)
        _ = try await store.repository.update(.id(a.id), owner: nil) { record in
            record.filename = "later"
            return LogEvent("image_updated")
        }
        let due = try await store.repository.dueDeliveries(now: store.clock.now, limit: 10)
        #expect(due.map(\.event.type) == [.uploadURLCreated, .uploadURLCreated])
        let first = try #require(due.first)
        _ = try await store.repository.recordDeliveryAttempt(DeliveryAttempt(
            eventSeq: first.event.seq, endpointID: "ep_test", attemptedAt: store.clock.now, status: 204,
            duration: .milliseconds(3), responseExcerpt: "", error: nil, outcome: .delivered),
            disableFailingBefore: store.clock.now.addingTimeInterval(-86_400))
        let next = try await store.repository.dueDeliveries(now: store.clock.now, limit: 10)
        #expect(next.map(\.event.type) == [.uploadURLCreated, .updated])
        store.clock.advance(86_400 * 31)
        #expect(try await store.repository.pruneEvents(createdBefore: store.clock.now.addingTimeInterval(-86_400 * 30)) == 3)
        #expect(try await store.repository.recentEvents(limit: 10).isEmpty)
    }
}
