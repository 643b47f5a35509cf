import Foundation
import ImageStore
import SQLite
import TestSupport
import Testing

/// The usage registry's storage: upserts keyed by (content type, object, field), manual rows winning over auto
/// ones, prune by run, linking of unregistered references when their image is tracked, and the counters the
/// triggers keep (`images.usage_count`, `image_counts.orphan_count` / `usage_count`), checked against full scans
/// after generated sequences of every kind of change.
struct UsageRegistryStoreTests {
    func reference(
        _ object: String, _ field: String, _ cloudflareID: String, type: String = "blog.post",
        source: ImageUsage.Source = .auto
    ) -> UsageReference {
        UsageReference(
            contentType: type, objectID: object, fieldName: field, cloudflareID: cloudflareID, source: source)
    }

    /// Every derived counter equals a scan.
    func expectCountersMatchScan(_ store: BackendStore, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let perImage = try store.scalar(
            """
            SELECT count(*) FROM images i WHERE i.usage_count <> (SELECT count(*) FROM image_usages u WHERE u.image_id = i.id)
            """)
        #expect(
            perImage == 0, "usage_count differs from a scan for \(perImage ?? -1) images",
            sourceLocation: sourceLocation)
        let scanned = try store.texts(
            """
            SELECT owner || '|' || status || '|' || sum(CASE WHEN usage_count = 0 THEN 1 ELSE 0 END) || '|' || sum(usage_count)
            FROM images GROUP BY owner, status ORDER BY owner, status
            """)
        let counted = try store.texts(
            """
            SELECT owner || '|' || status || '|' || orphan_count || '|' || usage_count FROM image_counts WHERE image_count <> 0
            ORDER BY owner, status
            """)
        #expect(counted == scanned, sourceLocation: sourceLocation)
        let linked = try store.scalar(
            """
            SELECT count(*) FROM image_usages u WHERE u.image_id IS NULL AND EXISTS (SELECT 1 FROM images i WHERE i.cloudflare_id = u.cloudflare_id)
            """)
        #expect(linked == 0, "an unregistered usage names a tracked image", sourceLocation: sourceLocation)
    }

    @Test(arguments: RepositoryBackend.all) func upsertsAreKeyedByObjectAndFieldAndManualRowsWin(
        _ backend: RepositoryBackend
    ) async throws {
        let store = try await BackendStore(backend)
        let repo = store.repository
        let a = try await repo.insert(.sample("cf-a", status: .uploaded), log: .created)
        _ = try await repo.insert(.sample("cf-b", status: .uploaded), log: .created)
        var summary = try await repo.recordUsages(
            [reference("1", "cover", "cf-a"), reference("1", "thumb", "cf-b")], at: store.clock.now)
        #expect(summary.created == 2 && summary.usages.map(\.isUnregistered) == [false, false])
        store.clock.advance(60)
        summary = try await repo.recordUsages([reference("1", "cover", "cf-b")], at: store.clock.now)
        #expect(summary.changed == 1 && summary.created == 0)
        summary = try await repo.recordUsages([reference("1", "cover", "cf-b")], at: store.clock.now)
        #expect(summary.unchanged == 1)
        #expect(try await repo.usageCount(imageID: a.id) == 0)
        // The image that lost its reference was referenced until now.
        #expect(try await repo.image(.id(a.id), owner: nil)?.lastReferencedAt == store.clock.now)

        _ = try await repo.recordUsages([reference("1", "gallery", "cf-a", source: .manual)], at: store.clock.now)
        summary = try await repo.recordUsages([reference("1", "gallery", "cf-b")], at: store.clock.now)
        #expect(
            summary.keptManual == 1 && summary.usages.first?.cloudflareID == "cf-a"
                && summary.usages.first?.source == .manual)
        try expectCountersMatchScan(store)
    }

    @Test(arguments: RepositoryBackend.all) func pruneRemovesOnlyUntouchedAutoRows(
        _ backend: RepositoryBackend
    ) async throws {
        let store = try await BackendStore(backend)
        let repo = store.repository
        _ = try await repo.insert(.sample("cf-a", status: .uploaded), log: .created)
        _ = try await repo.recordUsages(
            [
                reference("1", "cover", "cf-a"), reference("2", "cover", "cf-a"), reference("3", "cover", "cf-a"),
                reference("3", "extra", "cf-a", source: .manual), reference("9", "cover", "cf-a", type: "shop.item"),
            ], at: store.clock.now)
        store.clock.advance(10)
        let run = store.clock.now
        _ = try await repo.recordUsages([reference("2", "cover", "cf-a")], at: run)
        let removed = try await repo.pruneUsages(
            contentType: "blog.post", objectID: nil, untouchedSince: run, owner: nil, at: run)
        #expect(removed == 2)
        let left = try await repo.usages(UsageQuery(limit: nil)).items.map {
            "\($0.contentType)/\($0.objectID)/\($0.fieldName)"
        }.sorted()
        #expect(left == ["blog.post/2/cover", "blog.post/3/extra", "shop.item/9/cover"])
        try expectCountersMatchScan(store)
    }

    @Test(arguments: RepositoryBackend.all) func anUnregisteredReferenceIsLinkedWhenItsImageIsTracked(
        _ backend: RepositoryBackend
    ) async throws {
        let store = try await BackendStore(backend)
        let repo = store.repository
        _ = try await repo.recordUsages([reference("1", "cover", "later/id")], at: store.clock.now)
        #expect(try await repo.usages(UsageQuery(unregisteredOnly: true)).count == 1)
        store.clock.advance(5)
        let image = try await repo.insert(
            .sample("later/id", status: .uploaded, createdAt: store.clock.now), log: .created)
        let usage = try #require(try await repo.usages(UsageQuery(limit: nil)).items.first)
        #expect(usage.imageID == image.id)
        #expect(try await repo.image(.id(image.id), owner: nil)?.usageCount == 1)
        try expectCountersMatchScan(store)
        // Deleting the image keeps the reference, unregistered again (the reference's SET_NULL).
        #expect(try await repo.delete(.id(image.id), owner: nil))
        #expect(try await repo.usages(UsageQuery(unregisteredOnly: true)).count == 1)
        try expectCountersMatchScan(store)
    }

    @Test(arguments: RepositoryBackend.all) func orphansForCleanupFollowTheLastReference(
        _ backend: RepositoryBackend
    ) async throws {
        let store = try await BackendStore(backend)
        let repo = store.repository
        let start = store.clock.now
        let never = try await repo.insert(.sample("never", status: .uploaded, createdAt: start), log: .created)
        _ = try await repo.insert(.sample("pending-one", status: .pending, createdAt: start), log: .created)
        _ = try await repo.insert(.sample("used", status: .uploaded, createdAt: start), log: .created)
        let dropped = try await repo.insert(.sample("dropped", status: .uploaded, createdAt: start), log: .created)
        _ = try await repo.recordUsages([reference("1", "a", "used"), reference("2", "a", "dropped")], at: start)
        store.clock.advance(86_400 * 20)
        _ = try await repo.removeUsages(
            contentType: "blog.post", objectID: "2", fieldName: nil, source: nil, owner: nil, at: store.clock.now)
        store.clock.advance(86_400 * 20)
        let cutoff = store.clock.now.addingTimeInterval(-86_400 * 30)
        let due = try await repo.orphans(unreferencedBefore: cutoff, limit: 10)
        // Never referenced and created 40 days ago: due. Dropped 20 days ago: not yet. In use, or not uploaded: never.
        #expect(due.items.map(\.id) == [never.id] && due.count == 1)
        let later = try await repo.orphans(unreferencedBefore: store.clock.now, limit: 10)
        #expect(Set(later.items.map(\.id)) == [never.id, dropped.id])
    }

    @Test(arguments: RepositoryBackend.all) func generatedSequencesKeepEveryCounterExact(
        _ backend: RepositoryBackend
    ) async throws {
        let store = try await BackendStore(backend)
        let repo = store.repository
        var generator = SystemRandomNumberGenerator()
        let cloudflareIDs = (0..<12).map { "img-\($0)" }
        var tracked: [String: UUID] = [:]
        for step in 0..<400 {
            let cloudflareID = cloudflareIDs.randomElement(using: &generator) ?? "img-0"
            let object = String(Int.random(in: 0..<8, using: &generator))
            let field = ["cover", "thumb", "gallery"].randomElement(using: &generator) ?? "cover"
            store.clock.advance(1)
            switch Int.random(in: 0..<7, using: &generator) {
            case 0 where tracked[cloudflareID] == nil:
                let owner = ["alice", "bob"].randomElement(using: &generator) ?? "alice"
                let status = ImageStatus.allCases.randomElement(using: &generator) ?? .uploaded
                tracked[cloudflareID] = try await repo.insert(
                    .sample(cloudflareID, owner: owner, status: status), log: .created
                ).id
            case 1:
                if let id = tracked.removeValue(forKey: cloudflareID) { _ = try await repo.delete(.id(id), owner: nil) }
            case 2:
                if let id = tracked[cloudflareID] {
                    _ = try await repo.update(.id(id), owner: nil, owing: nil, settling: nil) { record in
                        record.status = ImageStatus.allCases.randomElement() ?? .failed
                        record.owner = ["alice", "bob", "carol"].randomElement() ?? "alice"
                        return LogEvent("t")
                    }
                }
            case 3:
                _ = try await repo.removeUsages(
                    contentType: "blog.post", objectID: object, fieldName: Bool.random() ? field : nil, source: nil,
                    owner: nil,
                    at: store.clock.now)
            case 4:
                _ = try await repo.pruneUsages(
                    contentType: "blog.post", objectID: Bool.random() ? object : nil,
                    untouchedSince: store.clock.now.addingTimeInterval(-30),
                    owner: nil, at: store.clock.now)
            default:
                let batch = (0..<Int.random(in: 1...4, using: &generator)).map { _ in
                    reference(
                        String(Int.random(in: 0..<8)), ["cover", "thumb", "gallery"].randomElement() ?? "cover",
                        cloudflareIDs.randomElement() ?? "img-1", source: Bool.random() ? .auto : .manual)
                }
                _ = try await repo.recordUsages(batch, at: store.clock.now)
            }
            if step % 50 == 0 { try expectCountersMatchScan(store) }
        }
        try expectCountersMatchScan(store)
        let counts = try await repo.counts(owner: nil)
        #expect(
            try store.scalar("SELECT count(*) FROM image_usages WHERE image_id IS NOT NULL") == Int64(counts.usageCount)
        )
        #expect(try store.scalar("SELECT count(*) FROM images WHERE usage_count = 0") == Int64(counts.orphanCount))
        // Unfiltered list counts come from the counters: they must equal a scan, for staff and per owner.
        #expect(
            try store.scalar("SELECT count(*) FROM image_usages")
                == Int64(try await repo.usages(UsageQuery(limit: 0)).count))
        for owner in ["alice", "bob", "carol"] {
            let scanned = try store.scalar(
                "SELECT count(*) FROM image_usages u JOIN images i ON i.id = u.image_id WHERE i.owner = '\(owner)'")
            #expect(scanned == Int64(try await repo.usages(UsageQuery(owner: owner, limit: 0)).count))
        }
    }
}
