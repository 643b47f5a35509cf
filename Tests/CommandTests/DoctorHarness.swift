import CloudflareEmulator
import CloudflareImages
import Configuration
import Foundation
import HTTPClient
import HTTPServer
import ImageStore
import ImagesAPI
import Logging
import SQLite
import TestSupport

@testable import cfimages

/// A setup for `cfimages doctor` to check, over real loopback sockets: the Cloudflare emulator (at `/_emulator`)
/// standing in for the account, and the service's API (its webhook endpoint) on one server, with a migrated
/// database in a temp directory. ``settings`` describe it all correctly; each test breaks one thing.
final class DoctorHarness: Sendable {
    static let account = EmulatorAccount(
        accountID: "doctor-account", apiToken: "doctor-token", accountHash: "DoctorHash",
        signingKey: "doctor-signing-key")
    static let readOnlyToken = "doctor-read-only-token"
    static let webhookSecret = "doctor-webhook-secret"

    let directory: String
    let emulator: CloudflareEmulator
    let database: Database
    let server: HTTPServer
    let http: HTTPClient

    static func logger() -> Logger { quietLogger("doctor-tests") }

    private init(
        directory: String, emulator: CloudflareEmulator, database: Database, server: HTTPServer, http: HTTPClient
    ) {
        self.directory = directory
        self.emulator = emulator
        self.database = database
        self.server = server
        self.http = http
    }

    /// Starts everything; `configure` changes the emulator's account (variants, flexible variants, keys).
    static func start(
        configure: (inout CloudflareEmulator.Configuration) -> Void = { _ in }
    ) async throws -> DoctorHarness {
        let directory = try makeTemporaryDirectory(prefix: "doctor-")
        let slot = HandlerSlot()
        let server = HTTPServer(
            configuration: .init(host: "127.0.0.1", port: 0, eventLoopCount: 1, accessLog: false), logger: logger(),
            responder: slot.responder)
        try server.start()
        let origin = "http://127.0.0.1:\(server.localPort)"
        var configuration = account.configuration(
            dataDirectory: directory + "/emulator", publicBaseURL: origin + "/_emulator")
        configuration.readOnlyToken = readOnlyToken
        configure(&configuration)
        let emulator = try CloudflareEmulator(configuration: configuration, logger: logger())
        let database = try Database(path: directory + "/cfimages.sqlite", readerCount: 1)
        try await Migrator(directory: TestPaths.migrations, database: database).apply()
        let http = try HTTPClient(logger: logger())
        let harness = DoctorHarness(
            directory: directory, emulator: emulator, database: database, server: server, http: http)

        var apiSettings = harness.settings
        apiSettings.webhookSecret = webhookSecret
        let api = ImagesAPI(
            settings: apiSettings, repository: SQLiteImageRepository(database: database),
            cloudflare: try harness.client(token: account.apiToken), logger: logger())
        slot.set(
            api.responder(mounting: [.under("/_emulator", emulator.makeRouter(mountPath: "/_emulator").responder)]))
        return harness
    }

    /// Runs `body` on a started harness and always shuts it down.
    static func run(
        configure: (inout CloudflareEmulator.Configuration) -> Void = { _ in },
        _ body: (DoctorHarness) async throws -> Void
    ) async throws {
        let harness = try await start(configure: configure)
        do {
            try await body(harness)
        } catch {
            await harness.shutdown()
            throw error
        }
        await harness.shutdown()
    }

    func shutdown() async {
        await server.shutdown()
        emulator.close()
        database.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    var origin: String { "http://127.0.0.1:\(server.localPort)" }

    /// The service's webhook endpoint on this server.
    var webhookURL: String { origin + "/cloudflare-images/api/webhook/" }

    /// A setup that passes every check: the emulator as the account, delivery through it, the migrated database,
    /// the webhook secret set.
    var settings: Settings {
        var settings = Settings()
        settings.accountID = Self.account.accountID
        settings.apiToken = Self.account.apiToken
        settings.accountHash = Self.account.accountHash
        settings.baseURL = emulator.apiBaseURL
        settings.deliverThrough(emulator.deliveryBaseURL)
        settings.webhookSecret = Self.webhookSecret
        settings.databasePath = directory + "/cfimages.sqlite"
        settings.migrationsDirectory = TestPaths.migrations
        settings.dataDirectory = directory
        return settings
    }

    func client(token: String) throws -> CloudflareClient {
        try CloudflareClient(
            configuration: .init(
                accountID: Self.account.accountID, apiToken: token, baseURL: emulator.apiBaseURL, maxAttempts: 1),
            httpClient: http, logger: Self.logger())
    }

    /// The checks on ``settings`` as `change` leaves them.
    func check(changing change: (inout Settings) -> Void) async throws -> [DoctorCheck] {
        var settings = self.settings
        change(&settings)
        return try await check(settings)
    }

    /// Runs the doctor's checks after the settings check on `settings` (these by default), as the command does.
    func check(_ settings: Settings? = nil, webhookURL: String? = nil) async throws -> [DoctorCheck] {
        let settings = settings ?? self.settings
        let checks = SetupChecks(
            settings: settings, cloudflare: try SetupChecks.client(for: settings, http: http), http: http,
            webhookURL: webhookURL, probeTimeout: .seconds(5))
        return await checks.run()
    }
}
