import LogOutput
import ArgumentParser
import Configuration
import Foundation
import ImageStore
import Logging

/// What every subcommand starts from: checked settings, logging, and the migrated database.
struct ServiceContext {
    let settings: Settings
    let logger: Logger
    let store: SQLiteStore
    var repository: SQLiteImageRepository { store.repository }

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
        let store = try openStore(settings)
        if migrate {
            let migrator = try migrator(settings, store: store)
            let applied = try await migrator.apply()
            for migration in applied {
                logger.info("Applied migration", metadata: ["migration": "\(migration.version)_\(migration.name)"])
            }
        }
        return ServiceContext(settings: settings, logger: logger, store: store)
    }

    static func migrator(_ settings: Settings, store: SQLiteStore) throws -> Migrator {
        store.migrator(directory: try MigrationsDirectory.locate(explicit: settings.migrationsDirectory))
    }

    static func openStore(_ settings: Settings) throws -> SQLiteStore {
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
