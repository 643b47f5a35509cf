import Crypto
import Foundation
import PostgreSQL
import SQLite

extension PostgreSQLImageRepository {
    private static let tokenColumns = "id, user_name, is_admin, label, created_at, last_used_at, revoked_at"

    public func createToken(userName: String, isAdmin: Bool, label: String) async throws -> IssuedToken {
        let key = try randomKey()
        let hash = hashToken(key)
        let token = APIToken(
            id: UUID(uuid: RandomUUID.bytes()), userName: userName, isAdmin: isAdmin, label: label,
            createdAt: clock().storagePrecision)
        try await database.write { session in
            try session.execute(
                "INSERT INTO api_tokens (id, token_hash, user_name, is_admin, label, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    ImageSQL.text(token.id), .text(hash), .text(userName), .bool(isAdmin), .text(label),
                    .integer(token.createdAt.microseconds),
                ])
        }
        return IssuedToken(token: token, key: key)
    }

    /// Read from the database every time: a token revoked by any instance is refused by every other one at once.
    public func authenticate(key: String) async throws -> AuthenticatedUser? {
        guard !key.isEmpty else { return nil }
        let hash = hashToken(key)
        let found = try await database.read { session in
            try session.first(
                "SELECT id, user_name, is_admin, last_used_at FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL",
                [.text(hash)]
            ) { row -> (AuthenticatedUser, Int64?) in
                guard let id = UUID(canonicalText: row.text(at: 0)) else {
                    throw ImageStoreError.corruptRow("api_tokens.id")
                }
                return (
                    AuthenticatedUser(tokenID: id, userName: row.text(at: 1), isAdmin: row.int64(at: 2) != 0),
                    row.optionalInt64(at: 3)
                )
            }
        }
        guard let (user, lastUsed) = found else { return nil }
        let now = clock()
        let staleBefore = now.addingTimeInterval(-SQLiteImageRepository.lastUsedResolution).microseconds
        if lastUsed.map({ $0 < staleBefore }) ?? true {
            try await database.write { session in
                try session.execute(
                    "UPDATE api_tokens SET last_used_at = ?1 WHERE id = ?2 AND (last_used_at IS NULL OR last_used_at < ?3)",
                    [.integer(now.microseconds), ImageSQL.text(user.tokenID), .integer(staleBefore)])
            }
        }
        return user
    }

    public func tokens(userName: String?) async throws -> [APIToken] {
        let sql =
            userName == nil
            ? "SELECT \(Self.tokenColumns) FROM api_tokens ORDER BY created_at DESC, rowid DESC"
            : "SELECT \(Self.tokenColumns) FROM api_tokens WHERE user_name = ? ORDER BY created_at DESC, rowid DESC"
        let bindings: [SQLiteValue] = userName.map { [.text($0)] } ?? []
        return try await database.read { session in
            try session.query(sql, bindings) { row in
                guard let id = UUID(canonicalText: row.text(at: 0)) else {
                    throw ImageStoreError.corruptRow("api_tokens.id")
                }
                return APIToken(
                    id: id, userName: row.text(at: 1), isAdmin: row.int64(at: 2) != 0, label: row.text(at: 3),
                    createdAt: Date(microseconds: row.int64(at: 4)),
                    lastUsedAt: row.optionalInt64(at: 5).map { Date(microseconds: $0) },
                    revokedAt: row.optionalInt64(at: 6).map { Date(microseconds: $0) })
            }
        }
    }

    public func revokeToken(id: UUID, userName: String?) async throws -> Bool {
        let now = clock()
        return try await database.write { session in
            try session.execute(
                "UPDATE api_tokens SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL AND (?3 IS NULL OR user_name = ?3)",
                [.integer(now.microseconds), ImageSQL.text(id), .text(userName)])
            return session.changes > 0
        }
    }
}
