import Foundation
import SQLite

/// ``ConsoleSessionStore`` on the service's SQLite database (table `console_sessions`, migration 0006).
public final class SQLiteConsoleSessionStore: ConsoleSessionStore {
    let database: StoreDatabase

    public init(database: Database) {
        self.database = StoreDatabase(database)
    }

    public func createSession(idHash: String, tokenID: UUID, csrfToken: String, at date: Date) async throws {
        try await database.write { connection in
            try connection.execute(
                "INSERT INTO console_sessions (id_hash, token_id, csrf_token, created_at, last_seen_at) VALUES (?1, ?2, ?3, ?4, ?4)",
                [.text(idHash), ImageSQL.text(tokenID), .text(csrfToken), .integer(date.microseconds)])
        }
    }

    public func session(
        idHash: String, now: Date, idleSince: Date, createdSince: Date, touchBefore: Date
    ) async throws -> ConsoleSession? {
        let found = try await database.readRecentSnapshot { connection in
            try connection.query(
                """
                SELECT s.token_id, t.user_name, t.is_admin, s.csrf_token, s.created_at, s.last_seen_at
                FROM console_sessions s JOIN api_tokens t ON t.id = s.token_id
                WHERE s.id_hash = ?1 AND t.revoked_at IS NULL
                """, [.text(idHash)]
            ) { row -> ConsoleSession in
                guard let id = UUID(canonicalText: row.text(at: 0)) else {
                    throw ImageStoreError.corruptRow("console_sessions.token_id")
                }
                return ConsoleSession(
                    tokenID: id, userName: row.text(at: 1), isAdmin: row.int64(at: 2) != 0, csrfToken: row.text(at: 3),
                    createdAt: Date(microseconds: row.int64(at: 4)), lastSeenAt: Date(microseconds: row.int64(at: 5)))
            }.first
        }
        guard var session = found else { return nil }
        guard session.lastSeenAt > idleSince, session.createdAt > createdSince else {
            _ = try await deleteSession(idHash: idHash)
            return nil
        }
        if session.lastSeenAt < touchBefore {
            try await database.write { connection in
                try connection.execute(
                    "UPDATE console_sessions SET last_seen_at = ?1 WHERE id_hash = ?2",
                    [.integer(now.microseconds), .text(idHash)])
            }
            session.lastSeenAt = now
        }
        return session
    }

    public func deleteSession(idHash: String) async throws -> Bool {
        try await database.write { connection in
            try connection.execute("DELETE FROM console_sessions WHERE id_hash = ?1", [.text(idHash)])
            return connection.changes > 0
        }
    }

    public func pruneSessions(idleSince: Date, createdSince: Date) async throws -> Int {
        try await database.write { connection in
            try connection.execute(
                "DELETE FROM console_sessions WHERE last_seen_at <= ?1 OR created_at <= ?2",
                [.integer(idleSince.microseconds), .integer(createdSince.microseconds)])
            return connection.changes
        }
    }
}
