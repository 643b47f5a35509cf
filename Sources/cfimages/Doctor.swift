import ArgumentParser
import Configuration
import Foundation
import HTTPClient

/// `cfimages doctor`: checks a real setup and prints a checklist with a fix for each failure (see ``SetupChecks``).
/// Exits 1 when any check fails.
struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Check the setup (Cloudflare token, account hash, variants, keys, webhook, database) and print fixes.",
        discussion: """
            Reads the settings as `serve` does. Against a configured account it creates and deletes one upload draft \
            and one 1x1 test image. Exits 1 when any check fails.
            """
    )

    @Option(
        help:
            "This service's public webhook URL (https://<host>/cloudflare-images/api/webhook/); it gets Cloudflare's Save and Test message."
    )
    var webhookUrl: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let (loaded, settingsCheck) = SetupChecks.load(environment: environment)
        guard let settings = loaded else {
            Self.print(settingsCheck)
            throw ExitCode.failure
        }
        _ = ServiceContext.bootstrapLogging(settings, label: "cfimages.doctor")
        let http = try HTTPClient()
        let cloudflare = try SetupChecks.client(for: settings, http: http)
        if cloudflare != nil {
            Swift.print("Checking \(settings.baseURL) (creates and deletes one upload draft and one 1x1 test image)")
        }
        Self.print(settingsCheck)
        let checks = SetupChecks(settings: settings, cloudflare: cloudflare, http: http, webhookURL: webhookUrl)
        let results = [settingsCheck] + (await checks.run(report: Self.print))
        Swift.print(SetupChecks.summary(results))
        let status = SetupChecks.exitStatus(results)
        if status != 0 { throw ExitCode(status) }
    }

    private static func print(_ check: DoctorCheck) {
        for line in check.lines { Swift.print(line) }
    }
}
