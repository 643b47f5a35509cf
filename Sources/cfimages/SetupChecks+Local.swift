import Configuration
import Foundation
import HTTPClient
import HTTPFields
import ImageStore

/// The checks of this side of the setup: webhook secret, webhook URL, database and migrations.
extension SetupChecks {
    /// Cloudflare Notifications' "Save and Test" body, which the webhook endpoint answers 200 without acting.
    static let saveAndTestBody =
        #"{"text":"Hello World! This is a test message sent from https://cloudflare.com. If you can see this, your webhook is configured properly."}"#

    func probe(_ url: String) async -> ProbeAnswer {
        await ProbeAnswer.send(HTTPClientRequest(url: url, timeout: probeTimeout), with: http)
    }

    /// As `Settings.webhookRefusal` decides: a real account without a secret refuses every delivery (fail), unless
    /// unsigned deliveries are allowed (warn).
    func webhookSecretCheck() -> DoctorCheck {
        if settings.usesEmbeddedEmulator {
            return .ok("webhook-secret", "The built-in emulator's webhooks carry the secret `serve` generates")
        }
        if let refusal = settings.webhookRefusal {
            return .fail("webhook-secret", "Every webhook delivery will be refused", fix: refusal)
        }
        if (settings.webhookSecret ?? "").isEmpty {
            return .warn(
                "webhook-secret",
                "Webhook deliveries are accepted unsigned (CLOUDFLARE_IMAGES_WEBHOOK_ALLOW_UNSIGNED):"
                    + " anyone who knows an image id can report on it (each is re-checked with Cloudflare)",
                fix: "set CLOUDFLARE_IMAGES_WEBHOOK_SECRET to the secret of the Cloudflare Notifications destination")
        }
        return .ok("webhook-secret", "CLOUDFLARE_IMAGES_WEBHOOK_SECRET is set")
    }

    /// POSTs Cloudflare's "Save and Test" message to `--webhook-url` with the secret in `cf-webhook-auth`, as
    /// Cloudflare does, and expects a 2xx.
    func webhookURLCheck() async -> DoctorCheck {
        let endpoint = "https://<host>\(settings.pathPrefix)/api/webhook/"
        guard let webhookURL else {
            return .skip("webhook-url", "Webhook URL not checked: pass --webhook-url \(endpoint)")
        }
        let shown = Self.display(webhookURL)
        guard let scheme = URLComponents(string: webhookURL)?.scheme?.lowercased(),
            scheme == "https" || scheme == "http"
        else {
            return .fail(
                "webhook-url", "--webhook-url is not an http(s) URL", fix: "pass the full URL, e.g. \(endpoint)")
        }
        var headers: HTTPHeaders = ["Content-Type": "application/json"]
        if let secret = settings.webhookSecret, !secret.isEmpty { headers["cf-webhook-auth"] = secret }
        let answer = await ProbeAnswer.send(
            HTTPClientRequest(
                method: "POST", url: webhookURL, headers: headers, body: .bytes(Array(Self.saveAndTestBody.utf8)),
                timeout: probeTimeout),
            with: http)
        switch answer {
        case .answered(let status, _, _) where (200..<300).contains(status):
            return .ok(
                "webhook-url",
                "\(shown) answered \(status) to Cloudflare's Save and Test message (from this"
                    + " machine: Cloudflare must reach it from the Internet too)")
        case .answered(let status, _, _) where status == 401 || status == 403:
            return .fail(
                "webhook-url",
                "\(shown) refused Cloudflare's Save and Test message (HTTP \(status)): the secret does not match",
                fix:
                    "use one secret in the Cloudflare Notifications destination, in CLOUDFLARE_IMAGES_WEBHOOK_SECRET here"
                    + " and in the serving instance")
        case .answered(let status, _, _) where status == 404 || status == 405:
            return .fail(
                "webhook-url", "\(shown) is not this service's webhook endpoint (HTTP \(status))",
                fix: "point it at \(endpoint) (CFIMAGES_PATH_PREFIX is \"\(settings.pathPrefix)\")")
        case .answered(let status, _, _):
            return .fail(
                "webhook-url", "\(shown) answered HTTP \(status) to Cloudflare's Save and Test message",
                fix: "check that `cfimages serve` answers there (its log names the reason)")
        case .failed(let reason):
            return .fail(
                "webhook-url", "\(shown) cannot be reached: \(reason)",
                fix:
                    "make it reachable from the Internet over HTTPS (DNS, firewall, reverse proxy to CFIMAGES_HOST:CFIMAGES_PORT)"
            )
        }
    }

    /// The database file exists, opens, and has every migration of the migrations folder applied.
    func databaseCheck() async -> DoctorCheck {
        if let url = settings.databaseURL { return await postgreSQLCheck(url) }
        let path = settings.databasePath
        guard FileManager.default.fileExists(atPath: path) else {
            return .fail(
                "database", "No database at \(path)",
                fix: "run `cfimages migrate` (`cfimages serve` also migrates on start), or set CFIMAGES_DATABASE")
        }
        let directory: String
        do {
            directory = try MigrationsDirectory.locate(explicit: settings.migrationsDirectory)
        } catch {
            return .fail("database", "Migrations cannot be checked: \(error)", fix: "set CFIMAGES_MIGRATIONS_DIR")
        }
        let store: SQLiteStore
        do {
            store = try SQLiteStore.open(path: path, readerCount: 1)
        } catch {
            return .fail(
                "database", "The database \(path) cannot be opened: \(error)", fix: "check the file and its permissions"
            )
        }
        defer { store.close() }
        let migrator = store.migrator(directory: directory)
        do {
            let pending = try await migrator.pending()
            guard pending.isEmpty else {
                let names = pending.map { "\($0.version)_\($0.name)" }.joined(separator: ", ")
                return .fail(
                    "database", "\(pending.count) migration(s) not applied to \(path): \(names)",
                    fix: "run `cfimages migrate`")
            }
            let applied = try await migrator.applied()
            let latest = applied.last.map { " (latest \($0.version)_\($0.name))" } ?? ""
            return .ok(
                "database", "The database \(path) opens and has all \(applied.count) migrations applied\(latest)")
        } catch let error as MigrationError {
            return .fail(
                "database", "The database and the migrations folder disagree: \(error)",
                fix: "use the Migrations folder (and the cfimages build) this database was migrated with")
        } catch {
            return .fail(
                "database", "The database \(path) cannot be read: \(error)", fix: "check the file and its permissions")
        }
    }

    /// With `CFIMAGES_DATABASE_URL`: the server answers, and the database has every migration applied.
    func postgreSQLCheck(_ url: DatabaseURL) async -> DoctorCheck {
        let store = PostgreSQLStore.open(url: url.connectionString, name: url.description, connectionCount: 1)
        defer { store.close() }
        do {
            try await store.check()
            let migrator = store.migrator(
                directory: try MigrationsDirectory.locate(explicit: settings.migrationsDirectory))
            let pending = try await migrator.pending()
            guard pending.isEmpty else {
                let names = pending.map { "\($0.version)_\($0.name)" }.joined(separator: ", ")
                return .fail(
                    "database", "\(pending.count) migration(s) not applied to \(url): \(names)",
                    fix: "run `cfimages migrate`")
            }
            let applied = try await migrator.applied()
            return .ok("database", "The database \(url) answers and has all \(applied.count) migrations applied")
        } catch {
            return .fail(
                "database", "The database \(url) cannot be used: \(error)",
                fix: "check CFIMAGES_DATABASE_URL and the server")
        }
    }
}
