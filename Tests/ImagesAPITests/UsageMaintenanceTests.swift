import CloudflareEmulator
import Foundation
import ImageStore
import ImagesAPI
import JSON
import Logging
import TestSupport
import Testing

/// The maintenance commands of the usage registry: `cfimages usages reconcile --from-file` (its service) and
/// `cfimages cleanup-expired --delete-orphans --orphan-days N` (the reference's `_cleanup_orphans`).
@Suite struct UsageMaintenanceTests {
    struct Lines: AsyncSequence {
        typealias Element = String
        let lines: [String]
        struct AsyncIterator: AsyncIteratorProtocol {
            var iterator: IndexingIterator<[String]>
            mutating func next() async -> String? { iterator.next() }
        }
        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(iterator: lines.makeIterator()) }
    }

    func line(_ type: String, _ object: String, _ field: String, _ id: String) -> String {
        #"{"content_type":"\#(type)","object_id":"\#(object)","field_name":"\#(field)","cloudflare_id":"\#(id)"}"#
    }

    @Test func reconcileFromLinesPrunesOnlyCleanContentTypes() async throws {
        try await withHarness { h in
            let repo = h.repository
            let service = UsageReconcileService(repository: repo, logger: Logger(label: "test"), now: { h.clock.now })
            _ = try await repo.recordUsages(
                [
                    .init(
                        contentType: "blog.post", objectID: "1", fieldName: "cover", cloudflareID: "x", source: .auto),
                    .init(
                        contentType: "blog.post", objectID: "2", fieldName: "cover", cloudflareID: "x", source: .auto),
                    .init(
                        contentType: "blog.post", objectID: "2", fieldName: "notes", cloudflareID: "x", source: .manual),
                    .init(
                        contentType: "shop.item", objectID: "1", fieldName: "photo", cloudflareID: "x", source: .auto),
                    .init(
                        contentType: "shop.item", objectID: "2", fieldName: "photo", cloudflareID: "x", source: .auto),
                ], at: h.clock.now)
            h.clock.advance(5)
            let report = try await service.run(
                lines: Lines(lines: [
                    line("blog.post", "1", "cover", "y"), "", line("shop.item", "1", "photo", "x"),
                    #"{"content_type":"shop.item","object_id":"3"}"#, "not json at all",
                ]))
            #expect(report.lines == 4 && report.recorded == 2 && report.changed == 1 && report.unchanged == 1)
            #expect(report.failures == ["4: invalid or missing field_name, cloudflare_id", "5: not a JSON object"])
            // A line whose content type cannot be read taints every content type: nothing is pruned.
            #expect(report.removed == 0 && report.unpruned == ["blog.post", "shop.item"])

            h.clock.advance(5)
            let clean = try await service.run(
                lines: Lines(lines: [
                    line("blog.post", "1", "cover", "y"), line("shop.item", "1", "photo", "x"),
                    #"{"content_type":"shop.item","object_id":"3"}"#,
                ]))
            // blog.post: object 2's auto cover goes, its manual notes stay; shop.item has a bad line: kept whole.
            #expect(clean.removed == 1 && clean.unpruned == ["shop.item"])
            let left = try await repo.usages(UsageQuery(limit: nil)).items.map {
                "\($0.contentType)/\($0.objectID)/\($0.fieldName)"
            }.sorted()
            #expect(left == ["blog.post/1/cover", "blog.post/2/notes", "shop.item/1/photo", "shop.item/2/photo"])
        }
    }

    @Test func orphanCleanupDeletesOnlyUploadedImagesUnreferencedForTheDays() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            func uploaded(_ id: String) async throws -> String {
                let upload = try await h.createUpload(alice, #"{"custom_id":"\#(id)"}"#)
                try await h.completeUpload(id)
                let ours = try #require(upload.string("id"))
                _ = try await h.send("POST", "api/images/\(ours)/check_status/", token: alice)
                return ours
            }
            let old = try await uploaded("old-orphan")
            let used = try await uploaded("still-used")
            _ = try await h.createUpload(alice, #"{"custom_id":"never-uploaded"}"#)
            _ = try await h.send(
                "POST", "api/usages/", token: alice,
                json: #"{"cloudflare_id":"still-used","content_type":"blog.post","object_id":"1"}"#)
            h.clock.advance(86_400 * 31)
            let fresh = try await uploaded("fresh-orphan")
            let cleanup = OrphanCleanup(
                repository: h.repository, cloudflare: h.cloudflare, logger: Logger(label: "test"), now: { h.clock.now })
            let dry = try await cleanup.run(olderThanDays: 30, dryRun: true)
            #expect(dry.dueCount == 1 && dry.sampleCloudflareIDs == ["old-orphan"] && dry.deleted == 0)
            #expect(h.faults.calls(.delete) == 0)
            let done = try await cleanup.run(olderThanDays: 30, dryRun: false)
            #expect(done.deleted == 1 && done.failures == 0)
            #expect(try await h.emulator.image("old-orphan") == nil)
            #expect(try await h.emulator.image("still-used") != nil)
            #expect(try await h.repository.image(.id(try #require(UUID(uuidString: old))), owner: nil) == nil)
            for id in [used, fresh] {
                #expect(try await h.repository.image(.id(try #require(UUID(uuidString: id))), owner: nil) != nil)
            }

            // A Cloudflare failure keeps the row and is counted.
            h.clock.advance(86_400 * 31)
            h.faults.inject(.status(500), for: .delete)
            let failing = try await cleanup.run(olderThanDays: 30, dryRun: false)
            #expect(failing.failures == 1 && failing.deleted == 0)
            #expect(try await h.repository.image(.id(try #require(UUID(uuidString: fresh))), owner: nil) != nil)
        }
    }
}
