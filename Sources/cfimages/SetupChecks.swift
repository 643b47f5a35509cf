import CloudflareImages
import Configuration
import Foundation
import HTTPClient
import JSON
import Logging

/// What `cfimages doctor` checks against a real setup, in order: the settings and account; the token's read and
/// edit permissions; the account hash; the variants the settings name; delivery and flexible variants; signing
/// keys; the webhook secret and (when given) the webhook URL; the database and its migrations.
///
/// Each check yields a ``DoctorCheck``: `ok`, `warn` or `fail` (with a `fix`), or `skip` when it could not run.
/// The edit check creates one upload draft and deletes it; the hash and delivery checks upload one 1x1 public PNG
/// (metadata `{"cfimages_doctor": true}`) and delete it at the end. Secrets are never put in a message.
struct SetupChecks: Sendable {
    let settings: Settings
    /// The account's client; nil when no account is configured (`serve` would run the built-in emulator).
    let cloudflare: CloudflareClient?
    /// For delivery and webhook probes.
    let http: HTTPClient
    /// The public URL of this service's webhook endpoint, to send Cloudflare's "Save and Test" message to.
    let webhookURL: String?
    /// Bound on each delivery or webhook probe.
    var probeTimeout: Duration = .seconds(10)

    /// Metadata on everything the checks create at Cloudflare, so a leftover can be recognized.
    static let marker: [String: JSONValue] = ["cfimages_doctor": .bool(true)]

    /// Settings as `serve` reads them (`environment` over the config file), and the check that reports them.
    static func load(environment: [String: String]) -> (settings: Settings?, check: DoctorCheck) {
        let settings: Settings
        do {
            settings = try Settings.load(environment: environment)
        } catch let error as SettingsError {
            return (
                nil,
                .fail(
                    "settings", "Invalid setting: \(error)",
                    fix: "set or correct \(error.setting) in the environment or \(configFile(environment))")
            )
        } catch {
            return (
                nil, .fail("settings", "Cannot read the settings: \(error)", fix: "correct \(configFile(environment))")
            )
        }
        guard let accountID = settings.accountID else {
            return (
                settings,
                .warn(
                    "settings",
                    "Settings are valid, but no Cloudflare account is configured: `cfimages serve` would run"
                        + " the built-in emulator, so the Cloudflare checks are skipped",
                    fix:
                        "set CLOUDFLARE_IMAGES_ACCOUNT_ID, CLOUDFLARE_IMAGES_API_TOKEN and CLOUDFLARE_IMAGES_ACCOUNT_HASH"
                        + " to use (and check) a real account")
            )
        }
        return (settings, .ok("settings", "Settings are valid: Cloudflare account \(accountID) at \(settings.baseURL)"))
    }

    /// The client the checks use: the configured account's, with fewer retries and a shorter bound than `serve`'s
    /// (a checklist should answer in seconds); nil without an account.
    static func client(for settings: Settings, http: HTTPClient) throws -> CloudflareClient? {
        guard !settings.usesEmbeddedEmulator else { return nil }
        var configuration = CloudflareClientFactory.configuration(settings)
        configuration.maxAttempts = min(configuration.maxAttempts, 2)
        configuration.callDeadline = min(configuration.callDeadline, .seconds(30))
        return try CloudflareClient(
            configuration: configuration, httpClient: http, logger: Logger(label: "cfimages.cloudflare"))
    }

    private static func configFile(_ environment: [String: String]) -> String {
        environment["CFIMAGES_CONFIG_FILE"].flatMap { $0.isEmpty ? nil : $0 } ?? Settings.defaultConfigFile
    }

    /// Runs every check after the settings, handing each to `report` as it completes, and returns them all.
    func run(report: (DoctorCheck) -> Void = { _ in }) async -> [DoctorCheck] {
        var checks: [DoctorCheck] = []
        func record(_ check: DoctorCheck) {
            checks.append(check)
            report(check)
        }
        if let cloudflare {
            for check in await cloudflareChecks(cloudflare) { record(check) }
        }
        record(webhookSecretCheck())
        record(await webhookURLCheck())
        record(await databaseCheck())
        return checks
    }

    /// 1 when any check failed, else 0: the command's exit status.
    static func exitStatus(_ checks: [DoctorCheck]) -> Int32 {
        checks.contains { $0.verdict == .fail } ? 1 : 0
    }

    /// `3 ok, 1 warning, 2 failed`.
    static func summary(_ checks: [DoctorCheck]) -> String {
        let count = { (verdict: DoctorCheck.Verdict) in checks.filter { $0.verdict == verdict }.count }
        var parts = [
            "\(count(.ok)) ok", "\(count(.warn)) warning\(count(.warn) == 1 ? "" : "s")", "\(count(.fail)) failed",
        ]
        if count(.skip) > 0 { parts.append("\(count(.skip)) skipped") }
        return parts.joined(separator: ", ")
    }

    /// `url` without user info, query or fragment, for messages.
    static func display(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "the given URL" }
        components.user = nil
        components.password = nil
        components.query = nil
        components.fragment = nil
        return components.string ?? "the given URL"
    }
}
