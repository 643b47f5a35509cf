import Foundation
import PostgreSQL
import SQLite

extension PostgreSQLImageRepository {
    private static let checkpointColumns =
        "scope, continuation_token, listing_complete, pages, images_seen, started_at, updated_at"

    public func syncCheckpoint(scope: String) async throws -> SyncCheckpoint? {
        try await database.read { try Self.checkpoint($0, scope: scope) }
    }

    public func beginSync(scope: String, at date: Date) async throws -> SyncCheckpoint {
        let now = clock()
        return try await database.write { session in
            try session.execute("DELETE FROM sync_checkpoints WHERE scope = ?", [.text(scope)])
            try session.execute(
                "INSERT INTO sync_checkpoints (scope, started_at, updated_at) VALUES (?, ?, ?)",
                [.text(scope), .integer(date.microseconds), .integer(now.microseconds)])
            guard let checkpoint = try Self.checkpoint(session, scope: scope) else {
                throw ImageStoreError.noSyncInProgress(scope)
            }
            return checkpoint
        }
    }

    public func recordSyncPage(scope: String, seen: [String], continuationToken: String?) async throws -> SyncCheckpoint
    {
        let now = clock()
        let list = JSONText.encode(seen)
        return try await database.write { session in
            try session.execute(
                """
                UPDATE sync_checkpoints SET continuation_token = ?2, listing_complete = ?3, pages = pages + 1,
                    images_seen = images_seen + ?4, updated_at = ?5
                WHERE scope = ?1
                """,
                [
                    .text(scope), .text(continuationToken), .bool(continuationToken == nil), .int(seen.count),
                    .integer(now.microseconds),
                ])
            guard session.changes == 1 else { throw ImageStoreError.noSyncInProgress(scope) }
            try session.execute(
                """
                INSERT INTO sync_seen (scope, cloudflare_id) SELECT ?1, json_array_elements_text(?2::json)
                ON CONFLICT (scope, cloudflare_id) DO NOTHING
                """,
                [.text(scope), .text(list)])
            guard let checkpoint = try Self.checkpoint(session, scope: scope) else {
                throw ImageStoreError.noSyncInProgress(scope)
            }
            return checkpoint
        }
    }

    public func imagesUnseenBySync(
        scope: String, statuses: [ImageStatus], updatedBefore: Date, expiringBefore: Date?, limit: Int
    ) async throws -> ImagePage {
        let filter = """
            FROM images WHERE status IN (SELECT json_array_elements_text(?1::json)) AND updated_at < ?2
            AND (?3::bigint IS NULL OR expires_at < ?3)
            AND NOT EXISTS (SELECT 1 FROM sync_seen WHERE scope = ?4 AND sync_seen.cloudflare_id = images.cloudflare_id)
            """
        let bindings: [SQLiteValue] = [
            .text(JSONText.encode(statuses.map(\.rawValue))), .integer(updatedBefore.microseconds),
            .integer(expiringBefore?.microseconds), .text(scope),
        ]
        return try await database.readSnapshot { session in
            let count = Int(try session.scalarInt("SELECT count(*) \(filter)", bindings) ?? 0)
            let items = try session.query(
                "SELECT \(ImageSQL.columns) \(filter) ORDER BY updated_at, id LIMIT ?5",
                bindings + [.int(max(0, limit))],
                map: ImageSQL.decode)
            return ImagePage(count: count, items: items)
        }
    }

    public func finishSync(scope: String) async throws {
        try await database.write { session in
            try session.execute("DELETE FROM sync_checkpoints WHERE scope = ?", [.text(scope)])
        }
    }

    private static func checkpoint(_ session: PostgreSQLSession, scope: String) throws -> SyncCheckpoint? {
        try session.first("SELECT \(checkpointColumns) FROM sync_checkpoints WHERE scope = ?", [.text(scope)]) { row in
            SyncCheckpoint(
                scope: row.text(at: 0), continuationToken: row.optionalText(at: 1),
                listingComplete: row.int64(at: 2) != 0,
                pages: Int(row.int64(at: 3)), imagesSeen: Int(row.int64(at: 4)),
                startedAt: Date(microseconds: row.int64(at: 5)), updatedAt: Date(microseconds: row.int64(at: 6)))
        }
    }

    // MARK: Import ledger

    public func importedLines(hashes: [String]) async throws -> [String: ImportLedgerEntry] {
        guard !hashes.isEmpty else { return [:] }
        let list = JSONText.encode(hashes)
        let entries = try await database.read { session in
            try session.query(
                """
                SELECT line_hash, image_id, cloudflare_id, source, line_number, imported_at FROM import_ledger
                WHERE line_hash IN (SELECT json_array_elements_text(?::json))
                """,
                [.text(list)]
            ) { row in
                guard let imageID = UUID(canonicalText: row.text(at: 1)) else {
                    throw ImageStoreError.corruptRow("import_ledger.image_id")
                }
                return ImportLedgerEntry(
                    lineHash: row.text(at: 0), imageID: imageID, cloudflareID: row.text(at: 2), source: row.text(at: 3),
                    lineNumber: Int(row.int64(at: 4)), importedAt: Date(microseconds: row.int64(at: 5)))
            }
        }
        return Dictionary(entries.map { ($0.lineHash, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func insertImported(
        _ image: ImageRecord, log: LogEvent, lineHash: String, source: String, lineNumber: Int
    ) async throws -> ImageRecord {
        let record = image.atStoragePrecision
        let now = clock()
        return try await database.write { session in
            try Self.insertImage(session, record, log: log, at: now)
            do {
                try session.execute(
                    """
                    INSERT INTO import_ledger (line_hash, image_id, cloudflare_id, source, line_number, imported_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                    [
                        .text(lineHash), ImageSQL.text(record.id), .text(record.cloudflareID), .text(source),
                        .int(lineNumber),
                        .integer(now.microseconds),
                    ])
            } catch let error as PostgreSQLError where error.isUniqueViolation {
                throw ImageStoreError.duplicateImportLine(lineHash)
            }
            return record
        }
    }
}
