import LogOutput
import ArgumentParser
import Configuration
import Foundation
import ImageStore
import Logging
import SQLite

/// What every subcommand starts from: checked settings, logging, and the migrated database.
struct ServiceContext {
    let settings: Settings
    let logger: Logger
    let database: Database
    let repository: SQLiteImageRepository

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
        let database = try openDatabase(settings)
        if migrate {
            let migrator = try migrator(settings, database: database)
            let applied = try await migrator.apply()
            for migration in applied {
                logger.info("Applied migration", metadata: ["migration": "\(migration.version)_\(migration.name)"])
            }
        }
        return ServiceContext(
            settings: settings, logger: logger, database: database,
            repository: SQLiteImageRepository(database: database)
        )
    }

    static func migrator(_ settings: Settings, database: Database) throws -> Migrator {
        Migrator(directory: try MigrationsDirectory.locate(explicit: settings.migrationsDirectory), database: database)
    }

    static func openDatabase(_ settings: Settings) throws -> Database {
        let folder = (settings.databasePath as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try SecretFile.privateDirectory(folder)
        }
        return try Database(path: settings.databasePath)
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
