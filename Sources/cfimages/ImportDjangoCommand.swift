import ArgumentParser
import Foundation
import ImageStore
import ImagesAPI

/// `cfimages import-django --from-file DUMP.json`: imports a django-cloudflareimages-toolkit `dumpdata` file.
struct ImportDjangoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-django",
        abstract: "Import images, logs, usages and DRF tokens from a django-cloudflareimages-toolkit dump.",
        discussion: """
            Reads the output of `python manage.py dumpdata auth.user authtoken.token contenttypes \
            django_cloudflareimages_toolkit --output DUMP.json` (plain or --natural-foreign keys). Images keep their \
            UUIDs and every field; DRF keys keep working as tokens of the same users (is_staff or is_superuser: \
            admin tokens; inactive users' tokens are stored revoked). Running the same dump again changes nothing; a \
            run that was stopped goes on from its last committed batch. A bad object is reported as `model pk: \
            reason` and the rest are imported. Exit status 1 when anything failed.
            """
    )

    @Option(name: .customLong("from-file"), help: ArgumentHelp("The dumpdata JSON file.", valueName: "DUMP.json"))
    var file: String

    @Option(
        help: ArgumentHelp(
            "Owner of images that have no user (user null); without it those images fail.", valueName: "NAME"))
    var ownerForUnowned: String?

    @Option(help: ArgumentHelp("The project's AUTH_USER_MODEL, as dumpdata names it.", valueName: "APP.MODEL"))
    var userModel = "auth.user"

    @Option(help: ArgumentHelp("The user model's USERNAME_FIELD.", valueName: "FIELD"))
    var usernameField = "username"

    @Option(help: ArgumentHelp("Objects per committed transaction (1...100000).", valueName: "N"))
    var batchSize = 20_000

    @Flag(help: "Check the whole dump and report what would be imported; write nothing.")
    var dryRun = false

    @Flag(help: "Write no progress to standard error.")
    var noProgress = false

    func validate() throws {
        guard (1...100_000).contains(batchSize) else {
            throw ValidationError("--batch-size must be between 1 and 100000.")
        }
        if let ownerForUnowned, CloudflareClientFactory.validOwner(ownerForUnowned) != ownerForUnowned {
            throw ValidationError("--owner-for-unowned must be 1 to 150 characters on one line.")
        }
    }

    func run() async throws {
        let path = URL(fileURLWithPath: file).standardizedFileURL.path
        let context = try await ServiceContext.open()
        defer { context.store.close() }
        var options = DjangoImportService.Options(dryRun: dryRun, ownerForUnowned: ownerForUnowned)
        options.userModel = userModel
        options.usernameField = usernameField
        options.batchSize = batchSize
        let progress =
            noProgress
            ? nil
            : ProgressReporter(label: "import-django", unit: "objects", style: ProgressReporter.styleForStandardError())
        let report: DjangoImportReport
        do {
            report = try await DjangoImportService(store: context.djangoTransfer).run(
                path: path, options: options, progress: progress)
        } catch let error as DjangoDumpError {
            throw CommandFailure(error.reason)
        }
        for line in report.summaryLines { print(line) }
        if report.hasFailures { throw ExitCode(1) }
    }
}
