import ArgumentParser
import CloudflareImages
import Configuration
import Foundation
import HTTPClient
import ImageStore
import ImagesAPI

/// `cfimages import --from-file FILE`: uploads listed image URLs through Cloudflare's upload-by-URL.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Upload images by URL from a file, one per line, and track them.",
        discussion: """
            Each line is URL, or URL<TAB>custom_id, or URL<TAB>custom_id<TAB>{json metadata} (an empty custom_id \
            lets Cloudflare choose); blank lines and lines starting with # are skipped. Lines already imported (by \
            the hash of their content) are skipped, so re-running a file retries only what failed. Exit status 1 \
            when any line failed.
            """
    )

    @Option(name: .customLong("from-file"), help: ArgumentHelp("The file of URLs to import.", valueName: "FILE"))
    var file: String

    @Option(help: ArgumentHelp("The user the imported images belong to.", valueName: "NAME"))
    var owner: String

    @Option(help: ArgumentHelp("Uploads in flight at once (1...64).", valueName: "N"))
    var concurrency = 4

    @Option(help: "Cloudflare creator of every upload (default: CLOUDFLARE_IMAGES_DEFAULT_CREATOR).")
    var creator: String?

    @Flag(
        inversion: .prefixedNo,
        help: "Whether the images need signed URLs (default: CLOUDFLARE_IMAGES_REQUIRE_SIGNED_URLS).")
    var requireSignedUrls: Bool?

    @Flag(help: "Only check the file and report what would be imported.")
    var dryRun = false

    @Flag(help: "Write no progress to standard error.")
    var noProgress = false

    func validate() throws {
        guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 64.") }
        guard CloudflareClientFactory.validOwner(owner) != nil else {
            throw ValidationError("--owner must be 1 to 150 characters on one line.")
        }
    }

    func run() async throws {
        let path = URL(fileURLWithPath: file).standardizedFileURL.path
        guard let data = FileManager.default.contents(atPath: path) else { throw CommandFailure("Cannot read \(path)") }
        guard let contents = String(data: data, encoding: .utf8) else {
            throw CommandFailure("\(path) is not UTF-8 text")
        }
        let context = try await ServiceContext.open()
        defer { context.store.close() }
        let service = ImportService(
            repository: context.repository, cloudflare: try CloudflareClientFactory.commandClient(context),
            logger: context.logger, settings: context.settings, probe: try HTTPClient(logger: context.logger))
        let progress =
            noProgress
            ? nil : ProgressReporter(label: "import", unit: "lines", style: ProgressReporter.styleForStandardError())
        let options = ImportService.Options(
            owner: CloudflareClientFactory.validOwner(owner) ?? owner, concurrency: concurrency,
            creator: creator ?? context.settings.defaultCreator,
            requireSignedURLs: requireSignedUrls ?? context.settings.requireSignedURLs, dryRun: dryRun)
        let report = try await service.run(contents: contents, source: path, options: options, progress: progress)
        for line in report.summaryLines { print(line) }
        if report.failed > 0 { throw ExitCode(1) }
    }
}
