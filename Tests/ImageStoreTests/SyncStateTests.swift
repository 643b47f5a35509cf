import Foundation
import ImageStore
import SQLite
import TestSupport
import Testing

/// The sync checkpoint, its seen IDs, and the "not listed by this run" query.
struct SyncStateTests {
    @Test(arguments: RepositoryBackend.all) func checkpointSavesEachPageAndFinishingClearsIt(
        _ backend: RepositoryBackend
    ) async throws {
        let store = try await BackendStore(backend)
        let repo = store.repository
        #expect(try await repo.syncCheckpoint(scope: "account") == nil)
        let started = store.clock.now
        let begun = try await repo.beginSync(scope: "account", at: started)
        #expect(
            begun.pages == 0 && begun.continuationToken == nil && !begun.listingComplete && begun.startedAt == started)

        let first = try await repo.recordSyncPage(scope: "account", seen: ["a", "b"], continuationToken: "tok-1")
        #expect(
            first.pages == 1 && first.imagesSeen == 2 && first.continuationToken == "tok-1" && !first.listingComplete)
        let last = try await repo.recordSyncPage(scope: "account", seen: ["c", "a"], continuationToken: nil)
        #expect(last.pages == 2 && last.imagesSeen == 4 && last.continuationToken == nil && last.listingComplete)
        #expect(try await repo.syncCheckpoint(scope: "account") == last)
        #expect(try await repo.syncCheckpoint(scope: "dry-run") == nil)

        try await repo.finishSync(scope: "account")
        #expect(try await repo.syncCheckpoint(scope: "account") == nil)
        let seenRows = try store.scalar("SELECT count(*) FROM sync_seen")
        #expect(seenRows == 0)
        await #expect(throws: ImageStoreError.noSyncInProgress("account")) {
            _ = try await repo.recordSyncPage(scope: "account", seen: ["x"], continuationToken: nil)
        }
    }

    @Test(arguments: RepositoryBackend.all) func beginningAgainForgetsWhatTheOldRunSaw(
        _ backend: RepositoryBackend
    ) async throws {
        let store = try await BackendStore(backend)
        let repo = store.repository
        let now = store.clock.now
        _ = try await repo.insert(.sample("gone", status: .uploaded), log: .created)
        _ = try await repo.beginSync(scope: "account", at: now.addingTimeInterval(1))
        _ = try await repo.recordSyncPage(scope: "account", seen: ["gone"], continuationToken: "t")
        let before = try await repo.imagesUnseenBySync(
            scope: "account", statuses: [.uploaded], updatedBefore: now.addingTimeInterval(1), expiringBefore: nil,
            limit: 10)
        #expect(before.count == 0)
        let restarted = try await repo.beginSync(scope: "account", at: now.addingTimeInterval(2))
        #expect(restarted.pages == 0 && restarted.continuationToken == nil)
        let after = try await repo.imagesUnseenBySync(
            scope: "account", statuses: [.uploaded], updatedBefore: now.addingTimeInterval(2), expiringBefore: nil,
            limit: 10)
        #expect(after.count == 1 && after.items.map(\.cloudflareID) == ["gone"])
    }

    @Test(arguments: RepositoryBackend.all) func unseenQueryFiltersByStatusScopeUpdateTimeAndExpiry(
        _ backend: RepositoryBackend
    ) async throws {
        let store = try await BackendStore(backend)
        let repo = store.repository
        let t0 = store.clock.now
        _ = try await repo.insert(.sample("seen-up", status: .uploaded), log: .created)
        _ = try await repo.insert(.sample("lost-up", status: .uploaded), log: .created)
        _ = try await repo.insert(
            .sample("late-up", status: .uploaded, createdAt: t0.addingTimeInterval(100)), log: .created)
        _ = try await repo.insert(
            .sample("stale", status: .pending, expiresAt: t0.addingTimeInterval(-10)), log: .created)
        _ = try await repo.insert(
            .sample("fresh", status: .draft, expiresAt: t0.addingTimeInterval(600)), log: .created)
        _ = try await repo.insert(.sample("old", status: .expired), log: .created)
        _ = try await repo.beginSync(scope: "account", at: t0.addingTimeInterval(50))
        _ = try await repo.beginSync(scope: "dry-run", at: t0.addingTimeInterval(50))
        _ = try await repo.recordSyncPage(scope: "account", seen: ["seen-up"], continuationToken: nil)

        let cutoff = t0.addingTimeInterval(50)
        let uploaded = try await repo.imagesUnseenBySync(
            scope: "account", statuses: [.uploaded], updatedBefore: cutoff, expiringBefore: nil, limit: 10)
        #expect(uploaded.count == 1 && uploaded.items.map(\.cloudflareID) == ["lost-up"])
        let otherScope = try await repo.imagesUnseenBySync(
            scope: "dry-run", statuses: [.uploaded], updatedBefore: cutoff, expiringBefore: nil, limit: 10)
        #expect(otherScope.count == 2)
        let waiting = try await repo.imagesUnseenBySync(
            scope: "account", statuses: [.pending, .draft], updatedBefore: cutoff, expiringBefore: t0, limit: 10)
        #expect(waiting.items.map(\.cloudflareID) == ["stale"])
        let countOnly = try await repo.imagesUnseenBySync(
            scope: "account", statuses: [.pending, .draft], updatedBefore: cutoff, expiringBefore: nil, limit: 0)
        #expect(countOnly.count == 2 && countOnly.items.isEmpty)
    }

    @Test func migrationTwoAppliesOnTopOfOne() async throws {
        let store = try await TestStore()
        let applied = try await Migrator(directory: TestPaths.migrations, database: store.database).applied()
        #expect(applied.map(\.version).starts(with: [1, 2]))
        #expect(applied.first { $0.version == 2 }?.name == "sync_import")
    }
}
