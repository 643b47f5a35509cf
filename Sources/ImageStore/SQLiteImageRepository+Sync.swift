import Foundation
import SQLite

extension SQLiteImageRepository {
    private static let checkpointColumns =
        "scope, continuation_token, listing_complete, pages, images_seen, started_at, updated_at"

    public func syncCheckpoint(scope: String) async throws -> SyncCheckpoint? {
        try await database.readSnapshot { try Self.checkpoint($0, scope: scope) }
    }

    public func beginSync(scope: String, at date: Date) async throws -> SyncCheckpoint {
        let now = clock()
        return try await database.write { connection in
            // Deleting the checkpoint cascades to the IDs its run had seen.
            try connection.execute("DELETE FROM sync_checkpoints WHERE scope = ?", [.text(scope)])
            try connection.execute(
                "INSERT INTO sync_checkpoints (scope, started_at, updated_at) VALUES (?, ?, ?)",
                [.text(scope), .integer(date.microseconds), .integer(now.microseconds)])
            guard let checkpoint = try Self.checkpoint(connection, scope: scope) else {
                throw ImageStoreError.noSyncInProgress(scope)
            }
            return checkpoint
        }
    }

    public func recordSyncPage(scope: String, seen: [String], continuationToken: String?) async throws -> SyncCheckpoint
    {
        let now = clock()
        let list = JSONText.encode(seen)
        return try await database.write { connection in
            try connection.execute(
                """
                UPDATE sync_checkpoints SET continuation_token = ?2, listing_complete = ?3, pages = pages + 1,
                    images_seen = images_seen + ?4, updated_at = ?5
                WHERE scope = ?1
                """,
                [
                    .text(scope), .text(continuationToken), .bool(continuationToken == nil), .int(seen.count),
                    .integer(now.microseconds),
                ])
            guard connection.changes == 1 else { throw ImageStoreError.noSyncInProgress(scope) }
            try connection.execute(
                """
                INSERT INTO sync_seen (scope, cloudflare_id) SELECT ?1, value FROM json_each(?2) WHERE true
                ON CONFLICT (scope, cloudflare_id) DO NOTHING
                """,
                [.text(scope), .text(list)])
            guard let checkpoint = try Self.checkpoint(connection, scope: scope) else {
                throw ImageStoreError.noSyncInProgress(scope)
            }
            return checkpoint
        }
    }

    public func imagesUnseenBySync(
        scope: String, statuses: [ImageStatus], updatedBefore: Date, expiringBefore: Date?, limit: Int
    ) async throws -> ImagePage {
        let filter = """
            FROM images WHERE status IN (SELECT value FROM json_each(?1)) AND updated_at < ?2
            AND (?3 IS NULL OR expires_at < ?3)
            AND NOT EXISTS (SELECT 1 FROM sync_seen WHERE scope = ?4 AND sync_seen.cloudflare_id = images.cloudflare_id)
            """
        let bindings: [SQLiteValue] = [
            .text(JSONText.encode(statuses.map(\.rawValue))), .integer(updatedBefore.microseconds),
            .integer(expiringBefore?.microseconds), .text(scope),
        ]
        return try await database.readSnapshot { connection in
            let count = Int(try connection.scalar("SELECT count(*) \(filter)", bindings)?.int64Value ?? 0)
            let items = try connection.query(
                "SELECT \(ImageSQL.columns) \(filter) ORDER BY updated_at, id LIMIT ?5",
                bindings + [.int(max(0, limit))], map: ImageSQL.decode)
            return ImagePage(count: count, items: items)
        }
    }

    public func finishSync(scope: String) async throws {
        try await database.write { connection in
            try connection.execute("DELETE FROM sync_checkpoints WHERE scope = ?", [.text(scope)])
        }
    }

    private static func checkpoint(_ connection: Connection, scope: String) throws -> SyncCheckpoint? {
        try connection.query(
            "SELECT \(checkpointColumns) FROM sync_checkpoints WHERE scope = ?", [.text(scope)]
        ) { row in
            SyncCheckpoint(
                scope: row.text(at: 0),
                continuationToken: row.isNull(at: 1) ? nil : row.text(at: 1),
                listingComplete: row.int64(at: 2) != 0,
                pages: Int(row.int64(at: 3)),
                imagesSeen: Int(row.int64(at: 4)),
                startedAt: Date(microseconds: row.int64(at: 5)),
                updatedAt: Date(microseconds: row.int64(at: 6)))
        }.first
    }
}
