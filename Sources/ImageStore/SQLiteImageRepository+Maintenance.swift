import Foundation
import SQLite

extension SQLiteImageRepository {
    public func expirable(now: Date, limit: Int) async throws -> ImagePage {
        let stale = "FROM images WHERE status IN ('pending', 'draft') AND expires_at < ?"
        let cutoff = SQLiteValue.integer(now.microseconds)
        return try await database.read { connection in
            let count = Int(try connection.scalar("SELECT count(*) \(stale)", [cutoff])?.int64Value ?? 0)
            let items = try connection.query(
                "SELECT \(ImageSQL.columns) \(stale) ORDER BY expires_at LIMIT ?",
                [cutoff, .integer(Int64(max(0, limit)))],
                map: ImageSQL.decode
            )
            return ImagePage(count: count, items: items)
        }
    }

    public func expireStale(now: Date) async throws -> [ImageRecord] {
        let sql = """
            UPDATE images SET status = 'expired', updated_at = ?1
            WHERE status IN ('pending', 'draft') AND expires_at < ?1
            RETURNING \(ImageSQL.columns)
            """
        return try await database.write { connection in
            let expired = try connection.query(sql, [.integer(now.microseconds)], map: ImageSQL.decode)
            for image in expired {
                let event = LogEvent(
                    "upload_expired",
                    message: "Upload URL expired before an upload",
                    data: ["expires_at": .int(image.expiresAt.microseconds)]
                )
                try Self.insertLog(connection, imageID: image.id, event: event, at: now)
            }
            return expired
        }
    }

    public func deleteExpired(updatedBefore cutoff: Date) async throws -> Int {
        try await database.write { connection in
            try connection.execute(
                "DELETE FROM images WHERE status = 'expired' AND updated_at < ?", [.integer(cutoff.microseconds)])
            return connection.changes
        }
    }

    // MARK: Webhooks

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
        return try await database.write { connection in
            let seen = try connection.scalar("SELECT 1 FROM webhook_events WHERE event_key = ?", [.text(eventKey)])
            if seen != nil { return .duplicate }
            guard let record = try Self.fetch(connection, .cloudflareID(cloudflareID), owner: nil) else {
                return .unknownImage
            }
            let updated = try Self.applyUpdate(connection, to: record, at: now, body)
            _ = try Self.recordEvent(connection, key: eventKey, at: now)
            return .applied(updated)
        }
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
