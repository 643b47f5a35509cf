import Foundation
import SQLite

extension SQLiteImageRepository {
    public func expirable(now: Date, limit: Int) async throws -> ImagePage {
        let stale = "FROM images WHERE status IN ('pending', 'draft') AND expires_at < ?"
        let cutoff = SQLiteValue.integer(now.microseconds)
        return try await database.readSnapshot { connection in
            let count = Int(try connection.scalar("SELECT count(*) \(stale)", [cutoff])?.int64Value ?? 0)
            let items = try connection.query(
                "SELECT \(ImageSQL.columns) \(stale) ORDER BY expires_at LIMIT ?",
                [cutoff, .integer(Int64(max(0, limit)))],
                map: ImageSQL.decode
            )
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
        defer { database.changeFeed.imagesChanged([id]) }
        return try await database.write { connection in
            let values: [SQLiteValue] = [.integer(now.microseconds), ImageSQL.text(id), .integer(cutoff.microseconds)]
            guard let expired = try connection.query(sql, values, map: ImageSQL.decode).first else { return nil }
            try Self.insertLog(connection, imageID: expired.id, event: log, at: now)
            var before = expired
            before.status = .pending
            try EventOutbox.record(SQLiteStoreSession(connection), from: before, to: expired, at: now)
            if let owing { try Self.owe(connection, owing, for: expired, at: now) }
            return expired
        }
    }

    // MARK: Cloudflare follow-ups

    public func cloudflareFollowUps(_ kind: CloudflareFollowUp.Kind, limit: Int) async throws -> [CloudflareFollowUp] {
        try await database.readSnapshot { connection in
            try connection.query(
                "SELECT \(Self.followUpColumns) FROM cloudflare_follow_ups WHERE kind = ? ORDER BY updated_at LIMIT ?",
                [.text(kind.rawValue), .integer(Int64(max(0, limit)))], map: Self.decodeFollowUp)
        }
    }

    public func cloudflareFollowUp(_ kind: CloudflareFollowUp.Kind, imageID: UUID) async throws -> CloudflareFollowUp? {
        try await database.readSnapshot { connection in
            try connection.query(
                "SELECT \(Self.followUpColumns) FROM cloudflare_follow_ups WHERE kind = ? AND image_id = ? LIMIT 1",
                [.text(kind.rawValue), ImageSQL.text(imageID)], map: Self.decodeFollowUp
            ).first
        }
    }

    @discardableResult
    public func settleCloudflareFollowUp(_ kind: CloudflareFollowUp.Kind, cloudflareID: String) async throws -> Bool {
        try await database.write { connection in
            try Self.settle(connection, kind, cloudflareID: cloudflareID)
            return connection.changes > 0
        }
    }

    public func recordCloudflareFollowUpFailure(
        _ kind: CloudflareFollowUp.Kind, cloudflareID: String, error: String
    )
        async throws
    {
        let now = clock()
        try await database.write { connection in
            try connection.execute(
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

    static let followUpColumns = "cloudflare_id, kind, image_id, attempts, last_error"

    static func decodeFollowUp(_ row: Statement) throws -> CloudflareFollowUp {
        let kindText = row.text(at: 1)
        guard let kind = CloudflareFollowUp.Kind(rawValue: kindText), let imageID = UUID(uuidString: row.text(at: 2))
        else { throw ImageStoreError.corruptRow("cloudflare_follow_ups: kind \(kindText)") }
        return CloudflareFollowUp(
            cloudflareID: row.text(at: 0), kind: kind, imageID: imageID, attempts: Int(row.int64(at: 3)),
            lastError: row.text(at: 4))
    }

    static func owe(
        _ connection: Connection, _ kind: CloudflareFollowUp.Kind, for image: ImageRecord, at now: Date
    ) throws {
        try connection.execute(
            """
            INSERT INTO cloudflare_follow_ups (cloudflare_id, kind, image_id, created_at, updated_at)
            VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT (cloudflare_id, kind) DO NOTHING
            """,
            [.text(image.cloudflareID), .text(kind.rawValue), ImageSQL.text(image.id), .integer(now.microseconds)])
    }

    static func settle(_ connection: Connection, _ kind: CloudflareFollowUp.Kind, cloudflareID: String) throws {
        try connection.execute(
            "DELETE FROM cloudflare_follow_ups WHERE cloudflare_id = ? AND kind = ?",
            [.text(cloudflareID), .text(kind.rawValue)])
    }

    public func deleteExpired(updatedBefore cutoff: Date) async throws -> Int {
        let now = clock()
        let deleted = try await database.write { connection in
            let deleted = try connection.query(
                "DELETE FROM images WHERE status = 'expired' AND updated_at < ? RETURNING \(ImageSQL.columns)",
                [.integer(cutoff.microseconds)], map: ImageSQL.decode)
            for record in deleted {
                try EventOutbox.record(SQLiteStoreSession(connection), from: record, to: nil, at: now)
            }
            return deleted.map(\.id)
        }
        database.changeFeed.imagesChanged(deleted)
        return deleted.count
    }

    // MARK: Webhooks

    public func webhookEventSeen(key: String) async throws -> Bool {
        try await database.readRecentSnapshot { connection in
            try connection.scalar("SELECT 1 FROM webhook_events WHERE event_key = ?", [.text(key)]) != nil
        }
    }

    public func recordWebhookEvent(key: String) async throws -> Bool {
        let now = clock()
        return try await database.write { connection in
            try Self.recordEvent(connection, key: key, at: now)
        }
    }

    public func applyWebhook(
        eventKey: String,
        cloudflareID: String,
        _ body: @escaping @Sendable (inout ImageRecord) throws -> LogEvent
    ) async throws -> WebhookOutcome {
        let now = clock()
        let outcome = try await database.write { connection -> WebhookOutcome in
            let seen = try connection.scalar("SELECT 1 FROM webhook_events WHERE event_key = ?", [.text(eventKey)])
            if seen != nil { return .duplicate }
            guard let record = try Self.fetch(connection, .cloudflareID(cloudflareID), owner: nil) else {
                return .unknownImage
            }
            let updated = try Self.applyUpdate(connection, to: record, at: now, body)
            _ = try Self.recordEvent(connection, key: eventKey, at: now)
            return .applied(updated)
        }
        if case .applied(let updated) = outcome { database.changeFeed.imagesChanged([updated.id]) }
        return outcome
    }

    public func pruneWebhookEvents(receivedBefore cutoff: Date) async throws -> Int {
        try await database.write { connection in
            try connection.execute("DELETE FROM webhook_events WHERE received_at < ?", [.integer(cutoff.microseconds)])
            return connection.changes
        }
    }

    private static func recordEvent(_ connection: Connection, key: String, at date: Date) throws -> Bool {
        try connection.execute(
            "INSERT INTO webhook_events (event_key, received_at) VALUES (?, ?) ON CONFLICT (event_key) DO NOTHING",
            [.text(key), .integer(date.microseconds)]
        )
        return connection.changes == 1
    }
}
