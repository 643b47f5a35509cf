import CloudflareEmulator
import Configuration
import Foundation
import ImageStore
import ImagesAPI
import JSON
import Logging
import TestSupport
import Testing

@Suite struct CleanupTests {
    @Test func cleanupEndpointExpiresStaleUploadsAndDeletesDrafts() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            let root = try await h.token("root", admin: true)
            let stale = try await h.createUpload(alice, #"{"custom_id":"stale","expiry_minutes":2}"#)
            let gone = try await h.createUpload(alice, #"{"custom_id":"gone","expiry_minutes":2}"#)
            try await h.emulator.removeImage(try #require(gone.string("cloudflare_id")))
            h.clock.advance(600)
            _ = try await h.createUpload(alice, #"{"custom_id":"fresh"}"#)

            let response = try await h.send("POST", "api/cleanup-expired/", token: root, json: "{}")
            #expect(response.status == 200)
            #expect(response.text == #"{"message":"Marked 2 expired images","expired_count":2}"#)
            #expect(try await h.emulator.image("stale") == nil)
            #expect(try await h.emulator.image("fresh") != nil)
            let image = try #require(
                try await h.repository.image(.id(UUID(uuidString: stale.string("id")!)!), owner: nil))
            #expect(image.status == .expired)
            let again = try await h.send("POST", "api/cleanup-expired/", token: root)
            #expect(again.text == #"{"message":"Marked 0 expired images","expired_count":0}"#)
        }
    }

    @Test func serviceDryRunAndDeleteOldRows() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            _ = try await h.createUpload(alice, #"{"custom_id":"old","expiry_minutes":2}"#)
            h.clock.advance(600)
            let dry = try await h.api.cleanup.run(dryRun: true)
            #expect(dry == CleanupReport(dryRun: true, expiredCount: 1, expiredCloudflareIDs: ["old"]))
            #expect(try await h.emulator.image("old") != nil)
            let real = try await h.api.cleanup.run()
            #expect(real.expiredCount == 1 && real.cloudflareDeleted == 1 && real.cloudflareFailures == 0)
            h.clock.advance(8 * 86_400)
            let purge = try await h.api.cleanup.run(deleteOlderThanDays: 7)
            #expect(purge.expiredCount == 0)
            #expect(purge.deletedCount == 1)
            #expect(try await h.repository.counts(owner: nil).total == 0)
        }
    }

    @Test func sweeperRunsPeriodicallyUntilStopped() async throws {
        try await withHarness { h in
            let alice = try await h.token("alice")
            _ = try await h.createUpload(alice, #"{"custom_id":"swept","expiry_minutes":2}"#)
            h.clock.advance(600)
            let sweeper = CleanupSweeper(
                service: h.api.cleanup, interval: .milliseconds(20), logger: Logger(label: "t"))
            await sweeper.start()
            #expect(await sweeper.isRunning)
            var status: ImageStatus?
            for _ in 0..<250 {
                status = try await h.repository.image(.cloudflareID("swept"), owner: nil)?.status
                if status == .expired { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            await sweeper.stop()
            #expect(status == .expired)
            #expect(await sweeper.isRunning == false)
        }
        try await withHarness(configure: { $0.cleanupIntervalSeconds = 0 }) { h in
            let sweeper = h.api.makeSweeper()
            await sweeper.start()
            #expect(await sweeper.isRunning == false)
        }
    }
}
