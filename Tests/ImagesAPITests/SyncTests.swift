import CloudflareImages
import Foundation
import HTTPClient
import ImageStore
import ImagesAPI
import JSON
import Synchronization
import Testing

/// `cfimages sync` against the emulator over loopback.
@Suite struct SyncTests {
    /// A row created a minute ago (before any sync run begins).
    static func row(_ cloudflareID: String, status: ImageStatus, expiresIn: TimeInterval = 1800) -> ImageRecord {
        let created = Date().addingTimeInterval(-60)
        return ImageRecord(
            cloudflareID: cloudflareID, owner: "alice", uploadURL: "https://upload.example/\(cloudflareID)",
            status: status, createdAt: created, expiresAt: created.addingTimeInterval(expiresIn))
    }

    @Test func insertsRefreshesAndReconciles() async throws {
        let h = try await OperationsHarness.start()
        do {
            let seeded = try await h.seedCloudflare(2, metadata: ["album": "trip"], creator: "app")
            // Tracked but stale: no variants, old filename.
            var stale = Self.row(seeded[1].id, status: .uploaded)
            stale.filename = "old.gif"
            _ = try await h.repository.insert(stale, log: LogEvent("upload_url_created"))
            // A direct upload whose bytes arrived at Cloudflare, still pending here (no webhook configured).
            let direct = try await h.cloudflare.createDirectUpload(DirectUploadOptions())
            _ = try await h.repository.insert(
                Self.row(direct.id, status: .pending), log: LogEvent("upload_url_created"))
            var form = MultipartForm()
            form.append(
                "file", filename: "direct.gif", contentType: "image/gif",
                data: EmulatorFlowTests.gif(width: 2, height: 2))
            #expect(
                try await sharedHTTPClient.send(
                    HTTPClientRequest(method: "POST", url: direct.uploadURL, body: .multipart(form))
                ).status == 200)
            // Not at Cloudflare: an expired pending row, a fresh one, and an uploaded one.
            _ = try await h.repository.insert(
                Self.row("ghost-expired", status: .pending, expiresIn: 30), log: LogEvent("upload_url_created"))
            _ = try await h.repository.insert(
                Self.row("ghost-fresh", status: .draft), log: LogEvent("upload_url_created"))
            _ = try await h.repository.insert(
                Self.row("ghost-uploaded", status: .uploaded), log: LogEvent("upload_url_created"))

            let report = try await h.syncService().run(SyncService.Options(owner: "bob", perPage: 10))
            #expect(report.completed && report.pages == 1 && report.seen == 3)
            #expect(report.inserted == 1 && report.refreshed == 1 && report.unchanged == 0)
            #expect(report.reconciled == 2)  // the direct upload (now uploaded) and ghost-expired (now expired)
            #expect(report.missing == 1 && report.missingIDs == ["ghost-uploaded"] && report.pruned == 0)
            #expect(report.errors == 0)

            let inserted = try #require(try await h.repository.image(.cloudflareID(seeded[0].id), owner: nil))
            #expect(inserted.owner == "bob" && inserted.status == .uploaded && inserted.uploadURL == "")
            #expect(inserted.filename == "cf-0.gif" && inserted.creator == "app" && !inserted.variants.isEmpty)
            #expect(inserted.cloudflareMetadata == ["album": "trip"] && inserted.metadata == ["album": "trip"])
            #expect(inserted.uploadedAt != nil && inserted.expiresAt <= Date())
            #expect(
                try await h.repository.logs(imageID: inserted.id, limit: nil).map(\.eventType) == ["image_registered"])

            let refreshed = try #require(try await h.repository.image(.cloudflareID(seeded[1].id), owner: nil))
            #expect(
                refreshed.owner == "alice" && refreshed.filename == "cf-1.gif"
                    && refreshed.variants == seeded[1].variants)
            #expect(refreshed.cloudflareMetadata == ["album": "trip"])
            let refreshLog = try #require(try await h.repository.logs(imageID: refreshed.id, limit: 1).first)
            #expect(refreshLog.eventType == "image_synced")

            #expect(try await h.repository.image(.cloudflareID(direct.id), owner: nil)?.status == .uploaded)
            #expect(try await h.repository.image(.cloudflareID("ghost-expired"), owner: nil)?.status == .expired)
            #expect(try await h.repository.image(.cloudflareID("ghost-fresh"), owner: nil)?.status == .draft)
            #expect(try await h.repository.image(.cloudflareID("ghost-uploaded"), owner: nil)?.status == .uploaded)
            #expect(try await h.repository.syncCheckpoint(scope: SyncService.scope) == nil)

            // A second run finds nothing to change and writes no log rows; --prune marks the lost upload failed.
            let again = try await h.syncService().run(SyncService.Options(prune: true, perPage: 10))
            #expect(again.unchanged == 3 && again.inserted == 0 && again.refreshed == 0 && again.reconciled == 0)
            #expect(again.missing == 1 && again.pruned == 1)
            #expect(try await h.repository.logs(imageID: inserted.id, limit: nil).count == 1)
            let pruned = try #require(try await h.repository.image(.cloudflareID("ghost-uploaded"), owner: nil))
            #expect(pruned.status == .failed)
            #expect(try await h.repository.logs(imageID: pruned.id, limit: 1).first?.eventType == "image_missing")
        } catch {
            await h.shutdown()
            throw error
        }
        await h.shutdown()
    }

    @Test func pagesThroughTheAccountAndResumesAfterAFailedPage() async throws {
        let h = try await OperationsHarness.start()
        do {
            try await h.seedCloudflare(25)
            h.failingListCalls.withLock { $0 = [3] }
            let failure = await #expect(throws: SyncFailure.self) {
                _ = try await h.syncService().run(SyncService.Options(owner: "bob", perPage: 10))
            }
            guard case .pageFailed(let page, _)? = failure?.reason else {
                Issue.record("expected a page failure, got \(String(describing: failure))")
                throw CancellationError()
            }
            #expect(page == 3 && failure?.report.pages == 2 && failure?.report.inserted == 20)
            #expect(failure?.description.contains("run the command again to resume") == true)
            #expect(try await h.repository.counts(owner: nil).total == 20)
            let saved = try #require(try await h.repository.syncCheckpoint(scope: SyncService.scope))
            #expect(saved.pages == 2 && saved.continuationToken != nil && !saved.listingComplete)

            // The next run lists only the third page.
            let callsBefore = h.listCalls.withLock { $0 }
            let progress = ProgressCapture()
            let reporter = ProgressReporter(
                label: "sync", unit: "images", style: .plain(everyItems: 1, everySeconds: 3600), write: progress.write)
            let resumed = try await h.syncService().run(
                SyncService.Options(owner: "bob", perPage: 10), progress: reporter)
            #expect(h.listCalls.withLock { $0 } - callsBefore == 1)
            #expect(resumed.resumedAfterPages == 2 && resumed.pages == 1 && resumed.seen == 5 && resumed.inserted == 5)
            #expect(resumed.missing == 0 && resumed.completed)
            #expect(try await h.repository.counts(owner: nil).total == 25)
            #expect(try await h.repository.syncCheckpoint(scope: SyncService.scope) == nil)
            #expect(progress.lines.first?.hasPrefix("sync: 5 images | inserted 5 | refreshed 0") == true)
            #expect(progress.lines.count == 2)  // the page, then the final line

            // A fresh run pages through all three pages and changes nothing.
            let full = try await h.syncService().run(SyncService.Options(perPage: 10))
            #expect(full.resumedAfterPages == nil && full.pages == 3 && full.seen == 25 && full.unchanged == 25)
        } catch {
            await h.shutdown()
            throw error
        }
        await h.shutdown()
    }

    @Test func restartIgnoresTheCheckpoint() async throws {
        let h = try await OperationsHarness.start()
        do {
            try await h.seedCloudflare(12)
            h.failingListCalls.withLock { $0 = [2] }
            await #expect(throws: SyncFailure.self) {
                _ = try await h.syncService().run(SyncService.Options(owner: "bob", perPage: 10))
            }
            let restarted = try await h.syncService().run(SyncService.Options(owner: "bob", restart: true, perPage: 10))
            #expect(restarted.resumedAfterPages == nil && restarted.pages == 2 && restarted.unchanged == 10)
            #expect(restarted.inserted == 2)
        } catch {
            await h.shutdown()
            throw error
        }
        await h.shutdown()
    }

    @Test func anOwnerIsNeededOnlyToInsertAndADryRunChangesNothing() async throws {
        let h = try await OperationsHarness.start()
        do {
            let seeded = try await h.seedCloudflare(1)
            _ = try await h.repository.insert(
                Self.row("ghost", status: .pending, expiresIn: 30), log: LogEvent("upload_url_created"))

            let dry = try await h.syncService().run(SyncService.Options(dryRun: true, prune: true, perPage: 10))
            #expect(dry.dryRun && dry.inserted == 1 && dry.reconciled == 1 && dry.completed)
            #expect(dry.summaryLines.first?.hasPrefix("DRY RUN") == true)
            #expect(try await h.repository.counts(owner: nil).total == 1)
            #expect(try await h.repository.image(.cloudflareID("ghost"), owner: nil)?.status == .pending)
            #expect(try await h.repository.syncCheckpoint(scope: SyncService.dryRunScope) == nil)

            let failure = await #expect(throws: SyncFailure.self) {
                _ = try await h.syncService().run(SyncService.Options(perPage: 10))
            }
            guard case .ownerRequired(let page, let untracked)? = failure?.reason else {
                Issue.record("expected an owner failure")
                throw CancellationError()
            }
            #expect(page == 1 && untracked == 1)
            #expect(failure?.description.contains("--owner") == true)
            #expect(try await h.repository.image(.cloudflareID(seeded[0].id), owner: nil) == nil)

            let done = try await h.syncService().run(SyncService.Options(owner: "carol", perPage: 10))
            #expect(done.resumedAfterPages == nil && done.inserted == 1 && done.reconciled == 1)
            #expect(try await h.repository.image(.cloudflareID(seeded[0].id), owner: nil)?.owner == "carol")
        } catch {
            await h.shutdown()
            throw error
        }
        await h.shutdown()
    }
}
