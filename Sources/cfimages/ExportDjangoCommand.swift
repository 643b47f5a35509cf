import ArgumentParser
import Foundation
import ImageStore
import ImagesAPI

/// `cfimages export-django --output FILE`: the way back to django-cloudflareimages-toolkit.
struct ExportDjangoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-django",
        abstract: "Write every image, log and usage as a dumpdata file for django-cloudflareimages-toolkit's loaddata.",
        discussion: """
            Load it with `python manage.py loaddata FILE`. Users are written as auth.user objects matched by \
            username (no usable password) unless --no-users is given; image owners and content types are natural \
            keys. Tokens are not exported: cfimages stores only a hash of each key.
            """
    )

    @Option(help: ArgumentHelp("Where to write the JSON (written as FILE.partial, then moved).", valueName: "FILE"))
    var output: String

    @Flag(help: "Leave out the auth.user objects: every owner must then exist in the Django database already.")
    var noUsers = false

    @Option(
        help: ArgumentHelp(
            "The --owner-for-unowned name of the import: its images are written without a user, as they were.",
            valueName: "NAME"))
    var ownerForUnowned: String?

    @Flag(help: "Write no progress to standard error.")
    var noProgress = false

    func run() async throws {
        let path = URL(fileURLWithPath: output).standardizedFileURL.path
        let context = try await ServiceContext.open()
        defer { context.store.close() }
        let progress =
            noProgress
            ? nil
            : ProgressReporter(label: "export-django", unit: "objects", style: ProgressReporter.styleForStandardError())
        let report: DjangoExportReport
        do {
            report = try await DjangoExportService(store: context.djangoTransfer).run(
                path: path, options: .init(includeUsers: !noUsers, unownedOwner: ownerForUnowned), progress: progress)
        } catch let error as DjangoDumpError {
            throw CommandFailure(error.reason)
        }
        for line in report.summaryLines { print(line) }
        print("Wrote \(path).")
        if !report.skipped.isEmpty { throw ExitCode(1) }
    }
}
