import Foundation
import ImageStore
import SQLite
import TestSupport
import Testing

struct MigratorTests {
    /// A temp folder holding a copy of the first real migration plus `extra` files (numbered from 2, so later real
    /// migrations are left out).
    private func migrationsCopy(extra: [String: String] = [:]) throws -> String {
        let folder = NSTemporaryDirectory() + "migrations-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for file in try FileManager.default.contentsOfDirectory(atPath: TestPaths.migrations)
        where file.hasPrefix("0001_") {
            try FileManager.default.copyItem(
                atPath: TestPaths.migrations + "/" + file, toPath: folder + "/" + file)
        }
        for (name, sql) in extra {
            try sql.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
        }
        return folder
    }

    @Test func appliesOnceAndIsIdempotent() async throws {
        let store = try await TestStore(migrate: false)
        let migrator = Migrator(directory: TestPaths.migrations, database: store.database)
        #expect(try await !migrator.isCurrent())
        let versions = try Migration.load(from: TestPaths.migrations).map(\.version)
        #expect(versions.first == 1)
        #expect(try await migrator.pending().map(\.version) == versions)
        let applied = try await migrator.apply()
        #expect(applied.map(\.version) == versions && applied.first?.name == "initial")
        #expect(try await migrator.isCurrent())
        #expect(try await migrator.apply().isEmpty)
        let recorded = try await migrator.applied()
        #expect(recorded.map(\.version) == versions)
        #expect(recorded.first?.checksum == applied.first?.checksum)
        let tables = try store.inspect().query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .compactMap { $0[0].stringValue }
        #expect(tables.contains("images") && tables.contains("image_counts") && tables.contains("api_tokens"))
    }

    @Test func failedMigrationLeavesDatabaseAsItWas() async throws {
        let folder = try migrationsCopy(extra: [
            "0002_broken.sql":
                "CREATE TABLE extra (x INTEGER);\nALTER TABLE images ADD COLUMN y TEXT;\nINSERT INTO no_such_table VALUES (1);\n",
            "0003_later.sql": "CREATE TABLE later (x INTEGER);",
        ])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try await TestStore(migrate: false)
        let migrator = Migrator(directory: folder, database: store.database)
        let error = await #expect(throws: MigrationError.self) { try await migrator.apply() }
        guard case .failed(let version, let name, let message) = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(version == 2 && name == "broken")
        #expect(message.contains("no such table"))
        let inspect = try store.inspect()
        #expect(
            try inspect.scalar("SELECT count(*) FROM sqlite_master WHERE name IN ('extra', 'later')") == .integer(0))
        let columns = try inspect.query("SELECT name FROM pragma_table_info('images')").compactMap { $0[0].stringValue }
        #expect(!columns.contains("y"))
        #expect(try await migrator.applied().map(\.version) == [1])
        #expect(try await migrator.pending().map(\.version) == [2, 3])
        #expect(try await !migrator.isCurrent())
    }

    @Test func changedAppliedMigrationIsAnError() async throws {
        let folder = try migrationsCopy()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try await TestStore(migrate: false)
        let migrator = Migrator(directory: folder, database: store.database)
        try await migrator.apply()
        let file = folder + "/0001_initial.sql"
        try (String(contentsOfFile: file, encoding: .utf8) + "\n-- edited\n").write(
            toFile: file, atomically: true, encoding: .utf8)
        let error = await #expect(throws: MigrationError.self) { try await migrator.isCurrent() }
        guard case .checksumMismatch(let version, _, _, _) = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(version == 1)
        #expect(error?.description.contains("changed after it was applied") == true)
        await #expect(throws: MigrationError.self) { try await migrator.apply() }
    }

    @Test func appliedMigrationWithoutFileIsAnError() async throws {
        let folder = try migrationsCopy(extra: ["0002_more.sql": "CREATE TABLE more (x INTEGER);"])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try await TestStore(migrate: false)
        try await Migrator(directory: folder, database: store.database).apply()
        try FileManager.default.removeItem(atPath: folder + "/0002_more.sql")
        await #expect(throws: MigrationError.unknownAppliedMigration(version: 2, name: "more")) {
            try await Migrator(directory: folder, database: store.database).pending()
        }
    }

    @Test func fileNamingRules() throws {
        let folder = try migrationsCopy(extra: [
            "README.md": "not a migration", "0002_a.sql.bak": "x", "abc_b.sql": "x", "0003_.sql": "x",
        ])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(try Migration.load(from: folder).map(\.version) == [1])
        try "SELECT 1;".write(toFile: folder + "/001_again.sql", atomically: true, encoding: .utf8)
        #expect(throws: MigrationError.self) { try Migration.load(from: folder) }
    }

    @Test func locatesTheMigrationsFolder() throws {
        let root = NSTemporaryDirectory() + "locate-" + UUID().uuidString
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/app/Migrations", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: root + "/app/.build/debug", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: root + "/cwd/Migrations", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: root + "/empty", withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: root) }
        let exe = root + "/app/.build/debug/cfimages"
        let none = root + "/nowhere"

        #expect(
            try MigrationsDirectory.locate(
                explicit: root + "/cwd/Migrations", currentDirectory: root + "/empty",
                executablePath: nil, systemPath: none) == root + "/cwd/Migrations")
        #expect(
            try MigrationsDirectory.locate(
                explicit: nil, currentDirectory: root + "/cwd",
                executablePath: exe, systemPath: none) == root + "/cwd/Migrations")
        #expect(
            try MigrationsDirectory.locate(
                explicit: nil, currentDirectory: root + "/empty",
                executablePath: exe, systemPath: none) == root + "/app/Migrations")

        let explicitError = #expect(throws: MigrationError.self) {
            try MigrationsDirectory.locate(
                explicit: root + "/typo", currentDirectory: root + "/cwd",
                executablePath: exe, systemPath: none)
        }
        #expect(explicitError == .directoryNotFound(searched: [root + "/typo"]))

        let error = #expect(throws: MigrationError.self) {
            try MigrationsDirectory.locate(
                explicit: nil, currentDirectory: root + "/empty",
                executablePath: root + "/empty/bin/cfimages", systemPath: none)
        }
        guard case .directoryNotFound(let searched) = error else { return }
        #expect(searched.first == root + "/empty/Migrations")
        #expect(searched.contains(root + "/empty/bin/Migrations"))
        #expect(searched.last == none)
        #expect(error?.description.contains("CFIMAGES_MIGRATIONS_DIR") == true)
    }
}
