import ArgumentParser
import CloudflareImages
import Configuration
import Foundation
import ImageStore
import ImagesAPI
import Logging

/// `cfimages cleanup-expired`: the same sweep the server runs periodically, on demand.
struct CleanupExpired: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cleanup-expired",
        abstract:
            "Ask Cloudflare about unused upload URLs past their expiry: expire them and delete their drafts, or mark them uploaded."
    )

    @Flag(help: "Only report what would change.")
    var dryRun = false

    @Flag(help: "Also delete expired rows last changed more than --days ago.")
    var delete = false

    @Option(help: "Age in days for --delete.")
    var days = 7

    @Flag(
        help:
            "Also delete uploaded images no content has referenced for --orphan-days (run `cfimages usages reconcile` first)."
    )
    var deleteOrphans = false

    @Option(help: "Days without a reference before --delete-orphans deletes an image.")
    var orphanDays = 30

    func validate() throws {
        guard days >= 0 else { throw ValidationError("--days must not be negative.") }
        guard orphanDays >= 0 else { throw ValidationError("--orphan-days must not be negative.") }
    }

    func run() async throws {
        let context = try await ServiceContext.open()
        defer { context.store.close() }
        // With the built-in emulator, drafts live in the running `cfimages serve`; without it they are counted as
        // failures to delete while the rows are still marked expired.
        let cloudflare = try CloudflareClientFactory.commandClient(context)
        let service = CleanupService(
            repository: context.repository, cloudflare: cloudflare, logger: context.logger,
            webhookRetention: TimeInterval(context.settings.webhookRetentionHours) * 3_600)
        let report = try await service.run(dryRun: dryRun, deleteOlderThanDays: delete ? days : nil)
        reportExpired(report)
        if deleteOrphans {
            let orphans = try await OrphanCleanup(
                repository: context.repository, cloudflare: cloudflare, logger: context.logger
            )
            .run(olderThanDays: orphanDays, dryRun: dryRun)
            Self.describe(orphans, days: orphanDays)
            if orphans.failures > 0 { throw ExitCode.failure }
        }
    }

    static func describe(_ report: OrphanCleanup.Report, days: Int) {
        guard report.dueCount > 0 else {
            Swift.print("No orphaned images found (older than \(days) days)")
            return
        }
        if report.dryRun {
            Swift.print("DRY RUN: Would delete \(report.dueCount) orphaned image(s) (older than \(days) days)")
            for id in report.sampleCloudflareIDs { Swift.print("  - \(id)") }
            if report.dueCount > report.sampleCloudflareIDs.count {
                Swift.print("  ... and \(report.dueCount - report.sampleCloudflareIDs.count) more")
            }
            return
        }
        Swift.print("Deleted \(report.deleted) orphaned image(s) (older than \(days) days)")
        if report.nowInUse > 0 { Swift.print("\(report.nowInUse) skipped: referenced again meanwhile") }
        if report.failures > 0 { Swift.print("\(report.failures) could not be deleted at Cloudflare; they are kept") }
    }

    func reportExpired(_ report: CleanupReport) {
        if report.dryRun {
            print("DRY RUN: Would mark \(report.expiredCount) expired images")
            for id in report.expiredCloudflareIDs { print("  - \(id)") }
            if report.expiredCount > report.expiredCloudflareIDs.count {
                print("  ... and \(report.expiredCount - report.expiredCloudflareIDs.count) more")
            }
            return
        }
        print(report.expiredCount == 0 ? "No expired images found." : "Marked \(report.expiredCount) images as expired")
        if report.confirmedUploaded > 0 {
            print("Cloudflare has \(report.confirmedUploaded) of them as uploaded: marked uploaded instead")
        }
        if report.deferredCount > 0 {
            print("\(report.deferredCount) left for a later run (Cloudflare did not answer, or more than one batch)")
        }
        if report.cloudflareDeleted + report.cloudflareFailures > 0 {
            print("Deleted \(report.cloudflareDeleted) drafts at Cloudflare; \(report.cloudflareFailures) failed")
        }
        if let deleted = report.deletedCount {
            print(
                deleted == 0
                    ? "No old expired images found (older than \(days) days)"
                    : "Deleted \(deleted) old expired images (older than \(days) days)")
        }
    }
}
