import ArgumentParser
import CloudflareImages
import Foundation
import ImageStore
import ImagesAPI

/// `cfimages sync`: brings the database in line with every image of the Cloudflare account (or of the emulator of
/// the running `cfimages serve` when no account is configured).
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Insert, refresh and reconcile image rows from the whole Cloudflare account.",
        discussion: """
            Pages through Cloudflare's image listing, oldest first. Images not tracked here are inserted as \
            uploaded (owned by --owner; drafts are skipped); tracked ones are refreshed (status, variants, filename, \
            creator, metadata, signed-URL flag). Pending/draft rows Cloudflare has as uploaded become uploaded; those \
            it does not have whose upload URL expired become expired. Uploaded rows it no longer has are reported, \
            and marked failed with --prune. Progress is saved after each page: an interrupted run resumes where it \
            stopped (--restart starts over). Exit status 1 when the run stopped early or an image could not be stored.
            """
    )

    @Option(
        help: ArgumentHelp(
            "The user that images new to the database are inserted for (required when there are any).",
            valueName: "NAME"))
    var owner: String?

    @Flag(help: "Only report what would change.")
    var dryRun = false

    @Flag(help: "Ignore the checkpoint of an interrupted run and start from the first page.")
    var restart = false

    @Flag(help: "Mark uploaded rows whose image Cloudflare no longer has as failed (otherwise only reported).")
    var prune = false

    @Option(help: ArgumentHelp("Images per listing page (10...10000).", valueName: "N"))
    var perPage = 1000

    @Flag(help: "Write no progress to standard error.")
    var noProgress = false

    func validate() throws {
        guard (10...10_000).contains(perPage) else { throw ValidationError("--per-page must be between 10 and 10000.") }
        if let owner, CloudflareClientFactory.validOwner(owner) == nil {
            throw ValidationError("--owner must be 1 to 150 characters on one line.")
        }
    }

    func run() async throws {
        let context = try await ServiceContext.open()
        defer { context.store.close() }
        let service = SyncService(
            repository: context.repository, cloudflare: try CloudflareClientFactory.commandClient(context),
            logger: context.logger)
        let progress =
            noProgress
            ? nil : ProgressReporter(label: "sync", unit: "images", style: ProgressReporter.styleForStandardError())
        let options = SyncService.Options(
            owner: owner.flatMap(CloudflareClientFactory.validOwner), dryRun: dryRun, restart: restart, prune: prune,
            perPage: perPage)
        let report: SyncReport
        do {
            report = try await service.run(options, progress: progress)
        } catch let failure as SyncFailure {
            if failure.report.pages > 0 {
                for line in failure.report.summaryLines { print(line) }
            }
            throw CommandFailure(failure.description)
        }
        for line in report.summaryLines { print(line) }
        if report.errors > 0 { throw ExitCode(1) }
    }
}
