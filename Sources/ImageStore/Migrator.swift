import Foundation
import PostgreSQL
import SQLite

/// Applies the migration files of one folder to a database, recording each in `schema_migrations`
/// (version, name, checksum, applied_at in microseconds). Throws `MigrationError` when the files or what they do
/// fail, `ImageStoreError` when the database does. Each backend reads its own folder, `sqlite/` or `postgresql/`
/// under the directory given (the directory itself when it has no such folder, e.g. a test's folder of files).
public struct Migrator: Sendable {
    /// A migration recorded as applied.
    public struct Applied: Sendable, Hashable {
        public let version: Int
        public let name: String
        public let checksum: String
        public let appliedAt: Date
    }

    public let directory: String
    let backend: Backend

    enum Backend: Sendable {
        case sqlite(StoreDatabase)
        case postgresql(PostgreSQLStoreDatabase)
    }

    public init(directory: String, database: Database) {
        self.directory = MigrationsDirectory.folder(for: "sqlite", in: directory)
        self.backend = .sqlite(StoreDatabase(database))
    }

    /// The migrations of `directory` (its `postgresql/` folder) for the database `pool` connects to.
    public init(directory: String, pool: PostgreSQLPool) {
        self.directory = MigrationsDirectory.folder(for: "postgresql", in: directory)
        self.backend = .postgresql(PostgreSQLStoreDatabase(pool: pool))
    }

    static let createTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            checksum TEXT NOT NULL,
            applied_at INTEGER NOT NULL
        )
        """

    /// The migrations recorded in the database, in version order.
    public func applied() async throws -> [Applied] {
        switch backend {
        case .sqlite(let database): try await database.readSnapshot { try Self.applied($0) }
        case .postgresql(let database): try await database.read { try Self.applied($0) }
        }
    }

    /// Migrations not yet applied, in order.
    /// - Throws: `MigrationError.checksumMismatch` or `.unknownAppliedMigration` when the database and folder disagree.
    public func pending() async throws -> [Migration] {
        let files = try Migration.load(from: directory)
        let applied = try await applied()
        return try Self.pending(files: files, applied: applied)
    }

    /// True when every migration file has been applied (and none changed). For readiness checks.
    public func isCurrent() async throws -> Bool {
        try await pending().isEmpty
    }

    /// Applies every pending migration, each in its own transaction together with its `schema_migrations` row.
    /// A failing migration is rolled back (the database stays as it was before it) and later ones are not tried.
    /// - Returns: The migrations applied by this call.
    @discardableResult
    public func apply(now: @escaping @Sendable () -> Date = { Date() }) async throws -> [Migration] {
        let files = try Migration.load(from: directory)
        let database: StoreDatabase
        switch backend {
        case .sqlite(let sqlite): database = sqlite
        case .postgresql(let postgresql): return try await Self.apply(files, on: postgresql, now: now)
        }
        return try await database.writeWithoutTransaction { connection in
            try connection.execute(Self.createTable)
            var done: [Migration] = []
            for migration in try Self.pending(files: files, applied: Self.applied(connection)) {
                let applied = try connection.transaction(.immediate) { () -> Bool in
                    // Another process may have applied it since we looked.
                    let recorded = try connection.scalar(
                        "SELECT 1 FROM schema_migrations WHERE version = ?", [.integer(Int64(migration.version))])
                    if recorded != nil { return false }
                    do {
                        try connection.execute(migration.sql)
                    } catch let error as SQLiteError {
                        throw MigrationError.failed(
                            version: migration.version, name: migration.name, message: error.message)
                    }
                    try connection.execute(
                        "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
                        [
                            .integer(Int64(migration.version)), .text(migration.name), .text(migration.checksum),
                            .integer(now().microseconds),
                        ]
                    )
                    return true
                }
                if applied { done.append(migration) }
            }
            return done
        }
    }

    static func applied(_ connection: Connection) throws -> [Applied] {
        let exists = try connection.scalar(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
        guard exists != nil else { return [] }
        return try connection.query(
            "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version"
        ) { row in
            Applied(
                version: Int(row.int64(at: 0)), name: row.text(at: 1), checksum: row.text(at: 2),
                appliedAt: Date(microseconds: row.int64(at: 3)))
        }
    }

    static func pending(files: [Migration], applied: [Applied]) throws -> [Migration] {
        let filesByVersion = Dictionary(uniqueKeysWithValues: files.map { ($0.version, $0) })
        for record in applied {
            guard let file = filesByVersion[record.version] else {
                throw MigrationError.unknownAppliedMigration(version: record.version, name: record.name)
            }
            guard file.checksum == record.checksum else {
                throw MigrationError.checksumMismatch(
                    version: record.version, name: record.name, applied: record.checksum, onDisk: file.checksum)
            }
        }
        let appliedVersions = Set(applied.map(\.version))
        return files.filter { !appliedVersions.contains($0.version) }
    }
}
