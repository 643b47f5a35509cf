import Foundation
import PostgreSQL
import SQLite

/// Migrations on PostgreSQL: applied under a session advisory lock (one per schema), so instances starting together
/// apply each migration once, the others waiting and then finding nothing pending; each migration and its
/// `schema_migrations` row in one transaction.
extension Migrator {
    /// The advisory lock's first key ("cfim"); the second is the schema's hash.
    static let advisoryLockKey: Int64 = 0x6366_696D

    static let postgreSQLCreateTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version BIGINT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            checksum TEXT NOT NULL,
            applied_at BIGINT NOT NULL
        )
        """

    static func applied(_ session: PostgreSQLSession) throws -> [Applied] {
        guard try session.scalarText("SELECT to_regclass('schema_migrations')::text") != nil else { return [] }
        return try session.query("SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version") {
            row in
            Applied(
                version: Int(row.int64(at: 0)), name: row.text(at: 1), checksum: row.text(at: 2),
                appliedAt: Date(microseconds: row.int64(at: 3)))
        }
    }

    static func apply(
        _ files: [Migration], on database: PostgreSQLStoreDatabase, now: @escaping @Sendable () -> Date
    ) async throws -> [Migration] {
        try await database.withSession { session in
            let lock: [SQLiteValue] = [.integer(advisoryLockKey)]
            try session.execute("SELECT pg_advisory_lock(?::int, hashtext(current_schema()))", lock)
            defer { _ = try? session.execute("SELECT pg_advisory_unlock(?::int, hashtext(current_schema()))", lock) }
            try session.execute(postgreSQLCreateTable)
            var done: [Migration] = []
            for migration in try pending(files: files, applied: applied(session)) {
                try session.connection.transaction {
                    do {
                        try session.connection.executeScript(migration.sql)
                    } catch let error as PostgreSQLError {
                        throw MigrationError.failed(
                            version: migration.version, name: migration.name, message: error.message)
                    }
                    try session.execute(
                        "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
                        [
                            .integer(Int64(migration.version)), .text(migration.name), .text(migration.checksum),
                            .integer(now().microseconds),
                        ])
                }
                done.append(migration)
            }
            return done
        }
    }
}
