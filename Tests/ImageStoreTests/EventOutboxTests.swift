import Foundation
import ImageStore
import SQLite
import TestSupport
import Testing

/// The outbox, on each backend: every image change, and every usage write that moves a usage onto or off an image,
/// writes its event in the change's own transaction, nothing else does.
@Suite struct EventOutboxTests {
    struct Refused: Error {}

    func endpoint(_ store: BackendStore, events: [ImageEventType] = []) async throws -> EventEndpoint {
        try await store.events.createEventEndpoint(
            EventEndpoint(
                id: "ep_test", url: "http://127.0.0.1:1/", description: "", events: events, secret: "s",
                createdAt: store.clock.now, updatedAt: store.clock.now))
    }

    /// The deliveries due now, claimed for a minute.
    func claim(_ store: BackendStore, limit: Int = 10) async throws -> [DueDelivery] {
        try await store.events.claimDueDeliveries(
            now: store.clock.now, leaseEnd: store.clock.now.addingTimeInterval(60), limit: limit)
    }

    func types(_ store: BackendStore) async throws -> [String] {
        try await store.events.recentEvents(limit: 100).reversed().map(\.event.type.rawValue)
    }

    @Test(arguments: RepositoryBackend.all) func eachChangeWritesItsEventAndAFailedOneNothing(
        _ backend: RepositoryBackend
    ) async throws {
        let store = try await BackendStore(backend)
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
            .id(image.id), owner: nil, to: .uploaded(StatusTransition.UploadedDetails(uploadedAt: store.clock.now)),
            log: LogEvent("webhook_received"))
        #expect(try await store.repository.delete(.id(image.id), owner: nil))
        #expect(
            try await types(store) == ["image.upload_url_created", "image.updated", "image.uploaded", "image.deleted"])
        // Deliveries only for the types the endpoint takes; the deleted event keeps the image as it was.
        let events = try await store.events.recentEvents(limit: 100)
        #expect(events.filter { !$0.deliveries.isEmpty }.map(\.event.type) == [.deleted, .uploaded])
        #expect(events.first?.event.image.status == .uploaded && events.first?.event.image.filename == "x.png")
        #expect(try await store.events.deliveryBacklog() == ["ep_test": 2])
    }

    /// Usage writes report `image.usage_added` to the image a usage now points at and `image.usage_removed` to the
    /// one it left, each with the usage as it was and the image as it is; a rewrite that keeps a usage on its image,
    /// an unregistered usage, and a failed write report nothing.
    @Test(arguments: RepositoryBackend.all) func usageWritesReportTheImagesTheyReachAndLeave(
        _ backend: RepositoryBackend
    ) async throws {
        let store = try await BackendStore(backend)
        _ = try await endpoint(store, events: [.usageAdded])
        let first = try await store.repository.insert(.sample("cf-a"), log: .created)
        let second = try await store.repository.insert(.sample("cf-b"), log: .created)
        func reference(_ object: String, _ cloudflareID: String, _ source: ImageUsage.Source = .auto) -> UsageReference
        {
            UsageReference(
                contentType: "blog.post", objectID: object, fieldName: "cover", cloudflareID: cloudflareID,
                source: source)
        }
        func usageEvents() async throws -> [StoredEvent] {
            try await store.events.recentEvents(limit: 100).reversed().map(\.event).filter { $0.usage != nil }
        }
        let added = try await store.repository.recordUsages(
            [reference("1", "cf-a"), reference("2", "cf-untracked")], at: store.clock.now)
        store.clock.advance(1)
        // The same reference again (and once more as manual) keeps the usage on its image: nothing to report.
        _ = try await store.repository.recordUsages([reference("1", "cf-a")], at: store.clock.now)
        _ = try await store.repository.recordUsages([reference("1", "cf-a", .manual)], at: store.clock.now)
        var events = try await usageEvents()
        #expect(events.map(\.type) == [.usageAdded])
        #expect(events.first?.image.id == first.id && events.first?.image.usageCount == 1)
        #expect(events.first?.usage == added.usages.first)
        // Moved to the other image: removed from the first, added to the second.
        store.clock.advance(1)
        let moved = try await store.repository.recordUsages([reference("1", "cf-b", .manual)], at: store.clock.now)
        events = try await usageEvents()
        #expect(events.map(\.type) == [.usageAdded, .usageRemoved, .usageAdded])
        #expect(events[1].image.id == first.id && events[1].image.usageCount == 0)
        #expect(events[1].usage?.imageID == first.id && events[1].usage?.cloudflareID == "cf-a")
        #expect(events[2].image.id == second.id && events[2].usage == moved.usages.first)
        // Removal reports the usages that pointed at a tracked image, with the image they left.
        #expect(
            try await store.repository.removeUsages(
                contentType: "blog.post", objectID: "1", fieldName: nil, source: nil, owner: nil, at: store.clock.now)
                == 1)
        #expect(
            try await store.repository.removeUsages(
                contentType: "blog.post", objectID: "2", fieldName: nil, source: nil, owner: nil, at: store.clock.now)
                == 1)
        events = try await usageEvents()
        #expect(events.map(\.type) == [.usageAdded, .usageRemoved, .usageAdded, .usageRemoved])
        #expect(events[3].image.id == second.id && events[3].image.usageCount == 0)
        #expect(events[3].usage == moved.usages.first)
        // Pruning and single removals report the same way; the endpoint took only the added events.
        _ = try await store.repository.recordUsages([reference("3", "cf-a")], at: store.clock.now)
        store.clock.advance(60)
        #expect(
            try await store.repository.pruneUsages(
                contentType: "blog.post", objectID: nil, untouchedSince: store.clock.now, owner: nil,
                at: store.clock.now) == 1)
        events = try await usageEvents()
        #expect(events.suffix(2).map(\.type) == [.usageAdded, .usageRemoved])
        #expect(try await store.events.deliveryBacklog() == ["ep_test": 3])
    }

    /// Content may reference a custom id before its image is tracked: the image, when it comes (an upload URL or an
    /// import), takes those usages over and each is reported as added, after the image's own event and with the
    /// image counting it; an id Cloudflare generated, which nothing references, reports only the image.
    @Test(arguments: RepositoryBackend.all) func anImageTrackedAfterItsUsagesReportsThemAdded(
        _ backend: RepositoryBackend
    ) async throws {
        let store = try await BackendStore(backend)
        _ = try await endpoint(store)
        let references = ["1", "2"].map { object in
            UsageReference(
                contentType: "blog.post", objectID: object, fieldName: "cover", cloudflareID: "team/cover",
                source: .auto)
        }
        let unregistered = try await store.repository.recordUsages(
            references + [
                UsageReference(
                    contentType: "blog.post", objectID: "3", fieldName: "cover", cloudflareID: "shop/banner",
                    source: .manual)
            ], at: store.clock.now
        ).usages
        #expect(unregistered.allSatisfy { $0.imageID == nil })
        #expect(try await types(store) == [])
        store.clock.advance(1)
        let image = try await store.repository.insert(.sample("team/cover"), log: .created)
        _ = try await store.repository.insert(.sample(UUID().uuidString.lowercased()), log: .created)
        let imported = try await store.repository.insertImported(
            .sample("shop/banner"), log: LogEvent("imported"), lineHash: "h1", source: "test", lineNumber: 1)
        let events = try await store.events.recentEvents(limit: 100).reversed().map(\.event)
        #expect(
            events.map(\.type) == [
                .uploadURLCreated, .usageAdded, .usageAdded, .uploadURLCreated, .uploadURLCreated, .usageAdded,
            ])
        #expect(events[1].usage?.id == unregistered[0].id && events[2].usage?.id == unregistered[1].id)
        for event in events[1...2] {
            #expect(event.image.id == image.id && event.image.usageCount == 2)
            #expect(event.usage?.imageID == image.id && event.usage?.cloudflareID == "team/cover")
        }
        #expect(events[5].image.id == imported.id && events[5].usage?.id == unregistered[2].id)
        #expect(events[5].image.usageCount == 1 && events[5].usage?.imageID == imported.id)
        // What was reported is what is stored once the inserts committed.
        let stored = try await store.repository.usages(UsageQuery(imageID: image.id)).items.sorted { $0.id < $1.id }
        #expect(stored.map(\.id) == [unregistered[0].id, unregistered[1].id])
        #expect(stored == events[1...2].compactMap(\.usage))
        #expect(try await store.repository.image(.id(image.id), owner: nil)?.usageCount == 2)
        #expect(try await store.events.deliveryBacklog() == ["ep_test": 6])
    }

    @Test(arguments: RepositoryBackend.all) func expiryAndItsCleanupAreReported(
        _ backend: RepositoryBackend
    ) async throws {
        let store = try await BackendStore(backend)
        let image = try await store.repository.insert(.sample("cf-2"), log: .created)
        store.clock.advance(3_600)
        _ = try await store.repository.expire(
            image.id, expiringBefore: store.clock.now, log: LogEvent("expired"), owing: nil)
        store.clock.advance(3_600)
        #expect(try await store.repository.deleteExpired(updatedBefore: store.clock.now) == 1)
        #expect(try await types(store) == ["image.upload_url_created", "image.expired", "image.deleted"])
    }

    @Test(arguments: RepositoryBackend.all) func dueDeliveriesAreTheOldestPendingOnePerEndpointAndImage(
        _ backend: RepositoryBackend
    ) async throws {
        let store = try await BackendStore(backend)
        _ = try await endpoint(store)
        let a = try await store.repository.insert(.sample("cf-a"), log: .created)
        _ = try await store.repository.insert(.sample("cf-b"), log: .created)
        _ = try await store.repository.update(.id(a.id), owner: nil) { record in
            record.filename = "later"
            return LogEvent("image_updated")
        }
        let due = try await claim(store)
        #expect(due.map(\.event.type) == [.uploadURLCreated, .uploadURLCreated])
        #expect(try await claim(store).isEmpty)
        let first = try #require(due.first)
        _ = try await store.events.recordDeliveryAttempt(
            DeliveryAttempt(
                eventSeq: first.event.seq, endpointID: "ep_test", attemptedAt: store.clock.now, status: 204,
                duration: .milliseconds(3), responseExcerpt: "", error: nil, outcome: .delivered),
            disableFailingBefore: store.clock.now.addingTimeInterval(-86_400))
        // a's next event is due; b's first is still claimed. Both claims run out unrecorded: both are due again.
        #expect(try await claim(store).map(\.event.type) == [.updated])
        store.clock.advance(61)
        #expect(try await claim(store).map(\.event.type) == [.uploadURLCreated, .updated])
        store.clock.advance(86_400 * 31)
        #expect(
            try await store.events.pruneEvents(createdBefore: store.clock.now.addingTimeInterval(-86_400 * 30)) == 3)
        #expect(try await store.events.recentEvents(limit: 10).isEmpty)
    }

    /// Two workers claiming at once (on PostgreSQL, two instances with pools of their own) never get the same
    /// delivery, and between them get every one.
    @Test(arguments: RepositoryBackend.all) func concurrentClaimsAreDisjoint(_ backend: RepositoryBackend) async throws
    {
        let store = try await BackendStore(backend)
        _ = try await endpoint(store)
        for index in 0..<40 { _ = try await store.repository.insert(.sample("cf-\(index)"), log: .created) }
        let workers: [any EventStore] = [store.events, store.otherInstance() ?? store.events]
        let claimed = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for worker in workers + workers {
                group.addTask {
                    var seqs: [Int64] = []
                    while true {
                        let due = try await worker.claimDueDeliveries(
                            now: store.clock.now, leaseEnd: store.clock.now.addingTimeInterval(60), limit: 3)
                        if due.isEmpty { return seqs }
                        seqs += due.map(\.event.seq)
                    }
                }
            }
            return try await group.reduce(into: [Int64]()) { $0 += $1 }
        }
        #expect(claimed.count == 40)
        #expect(Set(claimed).count == 40)
    }

    @Test(arguments: RepositoryBackend.all) func endpointsChangeRotateRedeliverAndDisable(
        _ backend: RepositoryBackend
    ) async throws {
        let store = try await BackendStore(backend)
        let created = try await endpoint(store, events: [.uploaded])
        #expect(try await store.events.eventEndpoints() == [created])
        let image = try await store.repository.insert(.sample("cf-e"), log: .created)
        #expect(try await store.events.recentEvents(limit: 10).first?.deliveries.isEmpty == true)

        store.clock.advance(1)
        let changed = try #require(
            try await store.events.updateEventEndpoint(
                id: created.id, url: "http://127.0.0.1:2/", events: [], description: "every type", enabled: nil,
                at: store.clock.now))
        #expect(changed.url == "http://127.0.0.1:2/" && changed.events.isEmpty && changed.description == "every type")
        #expect(
            try await store.events.updateEventEndpoint(
                id: "ep_none", url: nil, events: nil, description: nil, enabled: false, at: store.clock.now) == nil)

        let rotated = try #require(
            try await store.events.rotateEventEndpointSecret(
                id: created.id, newSecret: "s2", previousValidUntil: store.clock.now.addingTimeInterval(3_600),
                at: store.clock.now))
        #expect(rotated.secret == "s2" && rotated.previousSecret == "s")

        // Redelivery fans the earlier event out to the endpoint that now takes every type.
        let event = try #require(try await store.events.recentEvents(limit: 1).first?.event)
        #expect(try await store.events.redeliverEvent(id: event.id, at: store.clock.now))
        #expect(try await store.events.redeliverEvent(id: "evt_none", at: store.clock.now) == false)
        let nextDue = try #require(try await store.events.nextDeliveryDue())
        #expect(abs(nextDue.timeIntervalSince(store.clock.now)) < 0.001)
        let due = try #require(try await claim(store).first)
        #expect(due.event.id == event.id && due.event.image.id == image.id && due.attempts == 0)
        let leaseEnd = try #require(try await store.events.nextDeliveryDue())
        #expect(abs(leaseEnd.timeIntervalSince(store.clock.now) - 60) < 0.001)

        // Failing since longer than the window: the next failed attempt disables the endpoint.
        let failing = DeliveryAttempt(
            eventSeq: due.event.seq, endpointID: created.id, attemptedAt: store.clock.now, status: 500,
            duration: .milliseconds(2), responseExcerpt: "oops", error: "HTTP 500",
            outcome: .retry(at: store.clock.now.addingTimeInterval(60)))
        #expect(
            try await store.events.recordDeliveryAttempt(
                failing, disableFailingBefore: store.clock.now.addingTimeInterval(-1)) == false)
        store.clock.advance(86_401)
        var later = failing
        later.attemptedAt = store.clock.now
        #expect(
            try await store.events.recordDeliveryAttempt(
                later, disableFailingBefore: store.clock.now.addingTimeInterval(-86_400)))
        let disabled = try #require(try await store.events.eventEndpoint(id: created.id))
        #expect(!disabled.enabled && disabled.disabledReason == "failing for 24 hours")
        #expect(try await store.events.nextDeliveryDue() == nil)
        let delivery = try #require(try await store.events.event(id: event.id)?.deliveries.first)
        #expect(delivery.attempts == 2 && delivery.lastStatus == 500 && delivery.lastError == "HTTP 500")

        // Enabling clears the failure; deleting takes the deliveries with it.
        let enabled = try #require(
            try await store.events.updateEventEndpoint(
                id: created.id, url: nil, events: nil, description: nil, enabled: true, at: store.clock.now))
        #expect(enabled.enabled && enabled.failingSince == nil && enabled.disabledReason == nil)
        #expect(try await store.events.deleteEventEndpoint(id: created.id))
        #expect(try await store.events.deleteEventEndpoint(id: created.id) == false)
        #expect(try await store.events.event(id: event.id)?.deliveries.isEmpty == true)
        // An attempt for a delivery that is gone records nothing.
        #expect(try await store.events.recordDeliveryAttempt(later, disableFailingBefore: store.clock.now) == false)
    }
}
