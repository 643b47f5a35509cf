import CloudflareEmulator
import CloudflareImages
import Configuration
import Foundation
import HTTPClient
import HTTPFields
import HTTPServer
import ImageStore
import ImagesAPI
import Logging
import PostgreSQL
import SQLite
import TestSupport

/// The wiring every service-level harness shares: a temp directory, an on-disk SQLite database migrated from the
/// repository's `Migrations/` with its repository, an `HTTPServer` on 127.0.0.1:0 behind a `HandlerSlot`, and
/// optionally a `CloudflareEmulator` mounted at `/_emulator` on that server. The harnesses add their Cloudflare
/// client and API on top and install the handler with ``serve(_:)`` (or `slot.set`).
final class ServiceFixture: TestService {
    /// How the embedded emulator is set up. With a `webhookSecret`, its upload webhooks come back to the API at
    /// `/cloudflare-images/api/webhook/` (retried after 50 ms).
    struct Emulator {
        var account = EmulatorAccount(
            accountID: "emu-account", apiToken: "emu-token", accountHash: "EmuHash", signingKey: "emu-signing-key")
        var webhookSecret: String?

        /// The default account with another API token.
        static func apiToken(_ token: String) -> Emulator {
            var options = Emulator()
            options.account.apiToken = token
            return options
        }
    }

    let directory: String
    /// The SQLite database (migrated on either backend, for the tests that look at SQLite itself).
    let database: Database
    /// The repository the API runs on: over `database`, or over a PostgreSQL schema of its own when
    /// `CFIMAGES_TEST_API_BACKEND=postgresql` (see `APIBackend`).
    let repository: any ImageRepository
    let consoleSessions: any ConsoleSessionStore
    let uploadHistory: any UploadHistory
    let slot: HandlerSlot
    let server: HTTPServer
    let emulator: CloudflareEmulator?
    private let postgresql: (schema: String, pool: PostgreSQLPool)?

    private init(
        directory: String, database: Database,
        backend: (
            repository: any ImageRepository, consoleSessions: any ConsoleSessionStore,
            uploadHistory: any UploadHistory
        ), postgresql: (schema: String, pool: PostgreSQLPool)?, slot: HandlerSlot,
        server: HTTPServer, emulator: CloudflareEmulator?
    ) {
        self.directory = directory
        self.database = database
        self.repository = backend.repository
        self.consoleSessions = backend.consoleSessions
        self.uploadHistory = backend.uploadHistory
        self.postgresql = postgresql
        self.slot = slot
        self.server = server
        self.emulator = emulator
    }

    /// Starts the server (answering 503 until a handler is installed), the emulator if asked for, and the database.
    /// `clock`, when given, is the repository's clock.
    static func start(
        logger: Logger, clock: TestClock? = nil, accessLog: Bool = false, observer: RequestObserver? = nil,
        emulator options: Emulator? = nil
    ) async throws -> ServiceFixture {
        let directory = try makeTemporaryDirectory(prefix: "imagesapi-")
        let slot = HandlerSlot()
        let server = HTTPServer(
            configuration: .init(
                host: "127.0.0.1", port: 0, eventLoopCount: 1,
                bodyLimit: ImagesAPI.bodyLimit(
                    settings: Settings(), emulatorMountPath: options == nil ? nil : "/_emulator"),
                accessLog: accessLog), logger: logger,
            observer: observer, responder: slot.responder)
        try server.start()
        let origin = "http://127.0.0.1:\(server.localPort)"
        let emulator = try options.map { options in
            var configuration = options.account.configuration(
                dataDirectory: directory + "/emulator", publicBaseURL: origin + "/_emulator")
            // The tests' image origins are on loopback, which the emulator refuses to fetch from by default.
            configuration.allowPrivateURLs = true
            if let secret = options.webhookSecret {
                configuration.webhookURL = origin + "/cloudflare-images/api/webhook/"
                configuration.webhookSecret = secret
                configuration.webhookRetryDelays = [.milliseconds(50)]
            }
            return try CloudflareEmulator(configuration: configuration, logger: logger)
        }
        let database = try Database(path: directory + "/cfimages.sqlite", readerCount: 2)
        try await Migrator(directory: TestPaths.migrations, database: database).apply()
        if APIBackend.current == .postgresql {
            let (schema, url) = try PostgreSQLTestServer.makeSchema(prefix: "api")
            let pool = PostgreSQLPool(url: url, size: 2, name: "test-pg")
            try await Migrator(directory: TestPaths.postgresqlMigrations, pool: pool).apply()
            let repository =
                clock.map { clock in PostgreSQLImageRepository(pool: pool, clock: { clock.now }) }
                ?? PostgreSQLImageRepository(pool: pool)
            return ServiceFixture(
                directory: directory, database: database,
                backend: (repository, PostgreSQLConsoleSessionStore(pool: pool), PostgreSQLUploadHistory(pool: pool)),
                postgresql: (schema, pool), slot: slot, server: server, emulator: emulator)
        }
        let repository =
            clock.map { clock in SQLiteImageRepository(database: database, clock: { clock.now }) }
            ?? SQLiteImageRepository(database: database)
        return ServiceFixture(
            directory: directory, database: database,
            backend: (
                repository, SQLiteConsoleSessionStore(database: database), SQLiteUploadHistory(database: database)
            ),
            postgresql: nil, slot: slot, server: server, emulator: emulator)
    }

    var origin: String { "http://127.0.0.1:\(server.localPort)" }

    /// `path` on this server: under the API prefix (`/cloudflare-images/`) unless it starts with `/`.
    func url(_ path: String) -> String {
        origin + (path.hasPrefix("/") ? path : "/cloudflare-images/" + path)
    }

    /// Installs the API as `cfimages serve` does, with the emulator under `/_emulator/` when there is one and `mounts`
    /// (the console) in front.
    func serve(_ api: ImagesAPI, mounting mounts: [Responder.Mount] = []) {
        let emulatorMounts = emulator.map {
            [Responder.Mount.under("/_emulator", $0.makeRouter(mountPath: "/_emulator").responder)]
        }
        slot.set(api.responder(mounting: (emulatorMounts ?? []) + mounts))
    }

    /// API settings for the embedded emulator, as `serve` makes them: its account hash, delivery URLs on its
    /// delivery base, and `webhookSecret`.
    func emulatorSettings(webhookSecret: String?) -> Settings {
        var settings = Settings()
        settings.webhookSecret = webhookSecret
        if let emulator {
            settings.accountHash = emulator.configuration.accountHash
            settings.deliverThrough(emulator.deliveryBaseURL)
        }
        return settings
    }

    /// A new token's key.
    /// Terminates the PostgreSQL connections of the API's repository, as a restart of the server would (nothing on
    /// SQLite). How many.
    @discardableResult
    func terminateDatabaseConnections() throws -> Int {
        guard let postgresql else { return 0 }
        return try PostgreSQLTestServer.terminateConnections(ofSchema: postgresql.schema)
    }

    /// Every row of `sql` on the store the API runs on (either backend), each value as text (nil for NULL): for
    /// comparing two states of one backend's store.
    func storeRows(_ sql: String) async throws -> [[String?]] {
        if let postgresql {
            return try await postgresql.pool.withConnection { connection in
                let result = try connection.execute(sql)
                return (0..<result.rowCount).map { index in
                    let row = result.row(index)
                    return (0..<result.columnCount).map { row.optionalText(at: $0) }
                }
            }
        }
        return try await database.readSnapshot { connection in
            try connection.query(sql).map { row in
                row.values.map { value -> String? in
                    switch value {
                    case .null: nil
                    case .integer(let integer): String(integer)
                    case .real(let real): String(real)
                    case .text(let text): text
                    case .blob(let bytes): String(decoding: bytes, as: UTF8.self)
                    }
                }
            }
        }
    }

    /// A repository on the API's database over connections of its own, standing for another process: its commits
    /// reach no change feed of the server's repository. The caller closes nothing (the fixture's shutdown does).
    func otherProcessRepository() throws -> any ImageRepository {
        if let postgresql {
            return PostgreSQLImageRepository(pool: postgresql.pool.sibling(size: 1, name: "test-pg-other"))
        }
        return SQLiteImageRepository(database: try Database(path: directory + "/cfimages.sqlite", readerCount: 1))
    }

    func token(_ user: String, admin: Bool = false, label: String = "test") async throws -> String {
        try await repository.createToken(userName: user, isAdmin: admin, label: label).key
    }

    func shutdown() async {
        await server.shutdown()
        emulator?.close()
        database.close()
        if let postgresql {
            postgresql.pool.close()
            PostgreSQLTestServer.dropSchema(postgresql.schema)
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// One request as the tests send it: `Token` authorization when given, a JSON body (typed `application/json`) or
/// raw bytes (typed `bodyType`, untyped when nil), then `headers`. Recorded in the ``ExchangeLog`` when one is set.
func sendRequest(
    _ method: String, _ url: String, token: String? = nil, json: String? = nil, body: [UInt8]? = nil,
    bodyType: String? = nil, headers: [(String, String)] = [], timeout: Duration = .seconds(15)
) async throws -> TestResponse {
    var request = HTTPClientRequest(method: method, url: url, timeout: timeout)
    if let token { request.headers["Authorization"] = "Token \(token)" }
    if let json {
        request.headers["Content-Type"] = "application/json"
        request.body = .bytes(Array(json.utf8))
    } else if let body {
        if let bodyType { request.headers["Content-Type"] = bodyType }
        request.body = .bytes(body)
    }
    for (name, value) in headers { request.headers[name] = value }
    let response = try await sharedHTTPClient.send(request)
    ExchangeLog.shared?.record(
        method: method, url: url, requestHeaders: request.headers, requestBody: json.map { Array($0.utf8) } ?? body,
        status: response.status, responseHeaders: response.headers, responseBody: response.body)
    return TestResponse(status: response.status, headers: response.headers, body: response.body)
}

/// A harness that must be shut down after use.
protocol TestService: Sendable {
    func shutdown() async
}

/// Runs `body` on a started service and always shuts it down.
func running<Service: TestService>(_ service: Service, _ body: (Service) async throws -> Void) async throws {
    do {
        try await body(service)
    } catch {
        await service.shutdown()
        throw error
    }
    await service.shutdown()
}

/// A harness built on a ``ServiceFixture``: its directory, database, repository, server and origin are the fixture's.
protocol FixtureHarness: TestService {
    var fixture: ServiceFixture { get }
}

extension FixtureHarness {
    var directory: String { fixture.directory }
    var database: Database { fixture.database }
    var repository: any ImageRepository { fixture.repository }

    /// The Django import and export over the fixture's store.
    func djangoTransfer() throws -> any DjangoTransferStore {
        guard let store = fixture.repository as? any DjangoTransferStore else {
            throw ImageStoreError.invalidQuery("the fixture's repository has no Django import and export")
        }
        return store
    }
    var server: HTTPServer { fixture.server }
    var origin: String { fixture.origin }

    func shutdown() async { await fixture.shutdown() }

    /// A new token's key, labelled "test".
    func token(_ user: String, admin: Bool = false) async throws -> String {
        try await fixture.token(user, admin: admin)
    }
}
