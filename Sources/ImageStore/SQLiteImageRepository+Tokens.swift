import Crypto
import Foundation
import SQLite

extension SQLiteImageRepository {
    /// `last_used_at` is rewritten only when older than this, so authentication is almost always read-only.
    static let lastUsedResolution: TimeInterval = 60

    private static let tokenColumns = "id, user_name, is_admin, label, created_at, last_used_at, revoked_at"

    public func createToken(userName: String, isAdmin: Bool, label: String) async throws -> IssuedToken {
        let key = try randomKey()
        let hash = hashToken(key)
        let token = APIToken(
            id: UUID(uuid: RandomUUID.bytes()), userName: userName, isAdmin: isAdmin, label: label,
            createdAt: clock().storagePrecision)
        try await database.write { connection in
            try connection.execute(
                "INSERT INTO api_tokens (id, token_hash, user_name, is_admin, label, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    ImageSQL.text(token.id), .text(hash), .text(userName), .bool(isAdmin), .text(label),
                    .integer(token.createdAt.microseconds),
                ]
            )
        }
        return IssuedToken(token: token, key: key)
    }

    public func authenticate(key: String) async throws -> AuthenticatedUser? {
        guard !key.isEmpty else { return nil }
        let hash = hashToken(key)
        let found = try await database.readRecentSnapshot { connection in
            try connection.query(
                "SELECT id, user_name, is_admin, last_used_at FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL",
                [.text(hash)]
            ) { row -> (AuthenticatedUser, Int64?) in
                guard let id = UUID(canonicalText: row.text(at: 0)) else {
                    throw ImageStoreError.corruptRow("api_tokens.id")
                }
                let user = AuthenticatedUser(tokenID: id, userName: row.text(at: 1), isAdmin: row.int64(at: 2) != 0)
                return (user, row.isNull(at: 3) ? nil : row.int64(at: 3))
            }.first
        }
        guard let (user, lastUsed) = found else { return nil }
        let now = clock()
        let staleBefore = now.addingTimeInterval(-Self.lastUsedResolution).microseconds
        if lastUsed.map({ $0 < staleBefore }) ?? true {
            try await database.write { connection in
                try connection.execute(
                    "UPDATE api_tokens SET last_used_at = ?1 WHERE id = ?2 AND (last_used_at IS NULL OR last_used_at < ?3)",
                    [.integer(now.microseconds), ImageSQL.text(user.tokenID), .integer(staleBefore)]
                )
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
        return try await database.readSnapshot { connection in
            try connection.query(sql, bindings) { row in
                guard let id = UUID(canonicalText: row.text(at: 0)) else {
                    throw ImageStoreError.corruptRow("api_tokens.id")
                }
                return APIToken(
                    id: id,
                    userName: row.text(at: 1),
                    isAdmin: row.int64(at: 2) != 0,
                    label: row.text(at: 3),
                    createdAt: Date(microseconds: row.int64(at: 4)),
                    lastUsedAt: row.isNull(at: 5) ? nil : Date(microseconds: row.int64(at: 5)),
                    revokedAt: row.isNull(at: 6) ? nil : Date(microseconds: row.int64(at: 6))
                )
            }
        }
    }

    public func revokeToken(id: UUID, userName: String?) async throws -> Bool {
        let now = clock()
        return try await database.write { connection in
            try connection.execute(
                "UPDATE api_tokens SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL AND (?3 IS NULL OR user_name = ?3)",
                [.integer(now.microseconds), ImageSQL.text(id), .text(userName)]
            )
            return connection.changes > 0
        }
    }
}
