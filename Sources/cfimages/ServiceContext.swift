import ArgumentParser
import CloudflareImages
import Configuration
import Foundation
import ImageStore
import LogOutput
import Logging

/// What every subcommand starts from: checked settings, logging, and the migrated database.
struct ServiceContext {
    let settings: Settings
    let logger: Logger
    let store: ImageStorage
    var repository: any ImageRepository { store.repository }

    /// The Django dump import and export.
    var djangoTransfer: any DjangoTransferStore { store.djangoTransfer }

    /// Loads settings (a bad one stops here with its name), bootstraps logging, opens the database and applies
    /// pending migrations.
    static func open(label: String = "cfimages", migrate: Bool = true) async throws -> ServiceContext {
        let settings: Settings
        do {
            settings = try Settings.load()
        } catch {
            throw CommandFailure("Invalid setting: \(error)")
        }
        let logger = bootstrapLogging(settings, label: label)
        let store = try await openStore(settings)
        if migrate {
            let migrator = try migrator(settings, store: store)
            let applied = try await migrator.apply()
            for migration in applied {
                logger.info("Applied migration", metadata: ["migration": "\(migration.version)_\(migration.name)"])
            }
        }
        return ServiceContext(settings: settings, logger: logger, store: store)
    }

    /// The account's Cloudflare budget as every process on this database books it (instances, and commands beside
    /// them), for `CloudflareClient(sharedBudget:)`.
    func sharedCloudflareBudget(_ configuration: CloudflareClient.Configuration) -> SharedRequestBudget {
        let ledger = store.cloudflareBudget
        return SharedRequestBudget(
            limit: configuration.budgetLimit, window: configuration.budgetWindow,
            logger: Logger(label: "cfimages.cloudflare"),
            pause: { duration, limit, window in
                try await ledger.pauseCloudflareRequests(for: duration, limit: limit, window: window, now: Date())
            }
        ) { count, limit, window in
            let booking = try await ledger.bookCloudflareRequests(count, limit: limit, window: window, now: Date())
            return SharedRequestBudget.Grant(count: booking.granted, retryAfter: booking.retryAfter)
        }
    }

    static func migrator(_ settings: Settings, store: ImageStorage) throws -> Migrator {
        store.migrator(directory: try MigrationsDirectory.locate(explicit: settings.migrationsDirectory))
    }

    /// The store the settings name: PostgreSQL when `CFIMAGES_DATABASE_URL` is set (its server reached now, so a
    /// wrong URL stops here), else the SQLite file.
    static func openStore(_ settings: Settings) async throws -> ImageStorage {
        if let url = settings.databaseURL {
            let store = PostgreSQLStore.open(
                url: url.connectionString, name: url.description, connectionCount: settings.databaseConnections)
            do {
                try await store.check()
            } catch {
                store.close()
                throw CommandFailure("Cannot reach the database \(url): \(error)")
            }
            return .postgresql(store)
        }
        return .sqlite(try openSQLite(settings))
    }

    static func openSQLite(_ settings: Settings) throws -> SQLiteStore {
        let folder = (settings.databasePath as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try SecretFile.privateDirectory(folder)
        }
        return try SQLiteStore.open(path: settings.databasePath)
    }

    static func bootstrapLogging(_ settings: Settings, label: String) -> Logger {
        let level = Logger.Level(rawValue: settings.logLevel.rawValue) ?? .info
        LoggingBootstrap.run(level: level)
        return Logger(label: label)
    }
}

/// `LoggingSystem.bootstrap` may run once per process.
enum LoggingBootstrap {
    nonisolated(unsafe) private static var done = false

    static func run(level: Logger.Level) {
        guard !done else { return }
        done = true
        LoggingSystem.bootstrap { label in
            var handler = BufferedLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
