import Foundation
import PostgreSQL
import SQLite

extension PostgreSQLImageRepository {
    public func expirable(now: Date, limit: Int) async throws -> ImagePage {
        let stale = "FROM images WHERE status IN ('pending', 'draft') AND expires_at < ?"
        let cutoff = SQLiteValue.integer(now.microseconds)
        return try await database.readSnapshot { session in
            let count = Int(try session.scalarInt("SELECT count(*) \(stale)", [cutoff]) ?? 0)
            let items = try session.query(
                "SELECT \(ImageSQL.columns) \(stale) ORDER BY expires_at LIMIT ?",
                [cutoff, .integer(Int64(max(0, limit)))],
                map: ImageSQL.decode)
            return ImagePage(count: count, items: items)
        }
    }

    public func expire(
        _ id: UUID, expiringBefore cutoff: Date, log: LogEvent, owing: CloudflareFollowUp.Kind?
    )
        async throws -> ImageRecord?
    {
        let sql = """
            UPDATE images SET status = 'expired', updated_at = ?1
            WHERE id = ?2 AND status IN ('pending', 'draft') AND expires_at < ?3
            RETURNING \(ImageSQL.columns)
            """
        let now = clock()
        return try await database.write { session in
            let values: [SQLiteValue] = [.integer(now.microseconds), ImageSQL.text(id), .integer(cutoff.microseconds)]
            guard let expired = try session.first(sql, values, map: ImageSQL.decode) else { return nil }
            try Self.insertLog(session, imageID: expired.id, event: log, at: now)
            var before = expired
            before.status = .pending
            try EventOutbox.record(PostgreSQLStoreSession(session), from: before, to: expired, at: now)
            if let owing { try Self.owe(session, owing, for: expired, at: now) }
            return expired
        }
    }

    // MARK: Cloudflare follow-ups

    public func cloudflareFollowUps(_ kind: CloudflareFollowUp.Kind, limit: Int) async throws -> [CloudflareFollowUp] {
        try await database.read { session in
            try session.query(
                "SELECT \(SQLiteImageRepository.followUpColumns) FROM cloudflare_follow_ups WHERE kind = ? ORDER BY updated_at LIMIT ?",
                [.text(kind.rawValue), .integer(Int64(max(0, limit)))], map: Self.decodeFollowUp)
        }
    }

    public func cloudflareFollowUp(_ kind: CloudflareFollowUp.Kind, imageID: UUID) async throws -> CloudflareFollowUp? {
        try await database.read { session in
            try session.first(
                "SELECT \(SQLiteImageRepository.followUpColumns) FROM cloudflare_follow_ups WHERE kind = ? AND image_id = ? LIMIT 1",
                [.text(kind.rawValue), ImageSQL.text(imageID)], map: Self.decodeFollowUp)
        }
    }

    @discardableResult
    public func settleCloudflareFollowUp(_ kind: CloudflareFollowUp.Kind, cloudflareID: String) async throws -> Bool {
        try await database.write { session in
            try Self.settle(session, kind, cloudflareID: cloudflareID)
            return session.changes > 0
        }
    }

    public func recordCloudflareFollowUpFailure(
        _ kind: CloudflareFollowUp.Kind, cloudflareID: String, error: String
    )
        async throws
    {
        let now = clock()
        try await database.write { session in
            try session.execute(
                """
                UPDATE cloudflare_follow_ups SET attempts = attempts + 1, last_error = ?, updated_at = ?
                WHERE cloudflare_id = ? AND kind = ?
                """,
                [
                    .text(String(error.prefix(500))), .integer(now.microseconds), .text(cloudflareID),
                    .text(kind.rawValue),
                ])
        }
    }

    static func decodeFollowUp(_ row: PostgreSQLRow) throws -> CloudflareFollowUp {
        let kindText = row.text(at: 1)
        guard let kind = CloudflareFollowUp.Kind(rawValue: kindText), let imageID = UUID(uuidString: row.text(at: 2))
        else { throw ImageStoreError.corruptRow("cloudflare_follow_ups: kind \(kindText)") }
        return CloudflareFollowUp(
            cloudflareID: row.text(at: 0), kind: kind, imageID: imageID, attempts: Int(row.int64(at: 3)),
            lastError: row.text(at: 4))
    }

    static func owe(
        _ session: PostgreSQLSession, _ kind: CloudflareFollowUp.Kind, for image: ImageRecord, at now: Date
    ) throws {
        try session.execute(
            """
            INSERT INTO cloudflare_follow_ups (cloudflare_id, kind, image_id, created_at, updated_at)
            VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT (cloudflare_id, kind) DO NOTHING
            """,
            [.text(image.cloudflareID), .text(kind.rawValue), ImageSQL.text(image.id), .integer(now.microseconds)])
    }

    static func settle(_ session: PostgreSQLSession, _ kind: CloudflareFollowUp.Kind, cloudflareID: String) throws {
        try session.execute(
            "DELETE FROM cloudflare_follow_ups WHERE cloudflare_id = ? AND kind = ?",
            [.text(cloudflareID), .text(kind.rawValue)])
    }

    public func deleteExpired(updatedBefore cutoff: Date) async throws -> Int {
        let now = clock()
        return try await database.write { session in
            let deleted = try session.query(
                "DELETE FROM images WHERE status = 'expired' AND updated_at < ? RETURNING \(ImageSQL.columns)",
                [.integer(cutoff.microseconds)], map: ImageSQL.decode)
            for record in deleted {
                try EventOutbox.record(PostgreSQLStoreSession(session), from: record, to: nil, at: now)
            }
            return deleted.count
        }
    }

    // MARK: Webhooks

    public func webhookEventSeen(key: String) async throws -> Bool {
        try await database.read { session in
            try session.scalarInt("SELECT 1 FROM webhook_events WHERE event_key = ?", [.text(key)]) != nil
        }
    }

    public func recordWebhookEvent(key: String) async throws -> Bool {
        let now = clock()
        return try await database.write { session in try Self.recordEvent(session, key: key, at: now) }
    }

    /// The key is claimed first, by a unique insert: a second instance applying the same delivery waits on the
    /// first one's row until it commits and then finds it taken (`duplicate`), so the body runs once. An unknown
    /// image rolls the claim back, as SQLite records nothing then.
    public func applyWebhook(
        eventKey: String,
        cloudflareID: String,
        _ body: @escaping @Sendable (inout ImageRecord) throws -> LogEvent
    ) async throws -> WebhookOutcome {
        let now = clock()
        do {
            return try await database.write { session in
                guard try Self.recordEvent(session, key: eventKey, at: now) else { return .duplicate }
                guard let record = try Self.fetch(session, .cloudflareID(cloudflareID), owner: nil, forUpdate: true)
                else {
                    throw UnknownImage()
                }
                return .applied(try Self.applyUpdate(session, to: record, at: now, body))
            }
        } catch is UnknownImage {
            return .unknownImage
        }
    }

    /// Rolls back the claim of a webhook key whose image is unknown.
    private struct UnknownImage: Error {}

    public func pruneWebhookEvents(receivedBefore cutoff: Date) async throws -> Int {
        try await database.write { session in
            try session.execute("DELETE FROM webhook_events WHERE received_at < ?", [.integer(cutoff.microseconds)])
            return session.changes
        }
    }

    private static func recordEvent(_ session: PostgreSQLSession, key: String, at date: Date) throws -> Bool {
        try session.execute(
            "INSERT INTO webhook_events (event_key, received_at) VALUES (?, ?) ON CONFLICT (event_key) DO NOTHING",
            [.text(key), .integer(date.microseconds)])
        return session.changes == 1
    }
}
