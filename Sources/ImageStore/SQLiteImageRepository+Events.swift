import Foundation
import SQLite

/// `EventStore` on the repository's database (the outbox rows themselves are written by `SQLiteEventOutbox`).
extension SQLiteImageRepository: EventStore {
    static let endpointColumns = """
        id, url, description, events, enabled, secret, previous_secret, previous_secret_expires_at, failing_since, \
        disabled_reason, created_at, updated_at
        """

    static func decodeEndpoint(_ row: Statement, from start: Int = 0) throws -> EventEndpoint {
        let eventsText = row.text(at: start + 3)
        let names = (try? JSONDecoder().decode([String].self, from: Data(eventsText.utf8))) ?? []
        func date(_ index: Int) -> Date? { row.isNull(at: start + index) ? nil : Date(microseconds: row.int64(at: start + index)) }
        return EventEndpoint(
            id: row.text(at: start), url: row.text(at: start + 1), description: row.text(at: start + 2),
            events: names.compactMap(ImageEventType.init(rawValue:)), enabled: row.int64(at: start + 4) != 0,
            secret: row.text(at: start + 5), previousSecret: row.isNull(at: start + 6) ? nil : row.text(at: start + 6),
            previousSecretExpiresAt: date(7), failingSince: date(8),
            disabledReason: row.isNull(at: start + 9) ? nil : row.text(at: start + 9),
            createdAt: Date(microseconds: row.int64(at: start + 10)), updatedAt: Date(microseconds: row.int64(at: start + 11)))
    }

    static func eventsText(_ events: [ImageEventType]) -> String {
        JSONText.encode(events.map(\.rawValue))
    }

    static func optionalDate(_ date: Date?) -> SQLiteValue { date.map { .integer($0.microseconds) } ?? .null }

    // MARK: Endpoints

    public func createEventEndpoint(_ endpoint: EventEndpoint) async throws -> EventEndpoint {
        try await database.write { connection in
            try connection.execute("""
                INSERT INTO event_endpoints (\(Self.endpointColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [
                    .text(endpoint.id), .text(endpoint.url), .text(endpoint.description),
                    .text(Self.eventsText(endpoint.events)), .integer(endpoint.enabled ? 1 : 0), .text(endpoint.secret),
                    .text(endpoint.previousSecret), Self.optionalDate(endpoint.previousSecretExpiresAt),
                    Self.optionalDate(endpoint.failingSince), .text(endpoint.disabledReason),
                    .integer(endpoint.createdAt.microseconds), .integer(endpoint.updatedAt.microseconds),
                ])
            return try Self.fetchEndpoint(connection, id: endpoint.id) ?? endpoint
        }
    }

    public func eventEndpoints() async throws -> [EventEndpoint] {
        try await database.readSnapshot { connection in
            try connection.query(
                "SELECT \(Self.endpointColumns) FROM event_endpoints ORDER BY created_at, id", map: { try Self.decodeEndpoint($0) })
        }
    }

    public func eventEndpoint(id: String) async throws -> EventEndpoint? {
        try await database.readSnapshot { try Self.fetchEndpoint($0, id: id) }
    }

    static func fetchEndpoint(_ connection: Connection, id: String) throws -> EventEndpoint? {
        try connection.first(
            "SELECT \(endpointColumns) FROM event_endpoints WHERE id = ?", [.text(id)], map: { try decodeEndpoint($0) })
    }

    public func updateEventEndpoint(
        id: String, url: String?, events: [ImageEventType]?, description: String?, enabled: Bool?, at now: Date
    ) async throws -> EventEndpoint? {
        try await database.write { connection in
            guard var endpoint = try Self.fetchEndpoint(connection, id: id) else { return nil }
            if let url { endpoint.url = url }
            if let events { endpoint.events = events }
            if let description { endpoint.description = description }
            if let enabled {
                if enabled && !endpoint.enabled {
                    endpoint.failingSince = nil
                    endpoint.disabledReason = nil
                }
                endpoint.enabled = enabled
            }
            endpoint.updatedAt = now
            try connection.execute("""
                UPDATE event_endpoints SET url = ?, events = ?, description = ?, enabled = ?, failing_since = ?,
                disabled_reason = ?, updated_at = ? WHERE id = ?
                """, [
                    .text(endpoint.url), .text(Self.eventsText(endpoint.events)), .text(endpoint.description),
                    .integer(endpoint.enabled ? 1 : 0), Self.optionalDate(endpoint.failingSince),
                    .text(endpoint.disabledReason), .integer(now.microseconds), .text(id),
                ])
            return try Self.fetchEndpoint(connection, id: id)
        }
    }

    public func rotateEventEndpointSecret(id: String, newSecret: String, previousValidUntil: Date, at now: Date)
        async throws -> EventEndpoint?
    {
        try await database.write { connection in
            try connection.execute("""
                UPDATE event_endpoints SET previous_secret = secret, previous_secret_expires_at = ?, secret = ?,
                updated_at = ? WHERE id = ?
                """, [.integer(previousValidUntil.microseconds), .text(newSecret), .integer(now.microseconds), .text(id)])
            return try Self.fetchEndpoint(connection, id: id)
        }
    }

    public func deleteEventEndpoint(id: String) async throws -> Bool {
        try await database.write { connection in
            try connection.execute("DELETE FROM event_endpoints WHERE id = ?", [.text(id)])
            return connection.changes > 0
        }
    }

    // MARK: Deliveries

    public func dueDeliveries(now: Date, limit: Int) async throws -> [DueDelivery] {
        let sql = """
            SELECT d.attempts, e.seq, e.id, e.type, e.image, e.created_at, \(Self.prefixed("p", Self.endpointColumns))
            FROM event_deliveries d
            JOIN events e ON e.seq = d.event_seq
            JOIN event_endpoints p ON p.id = d.endpoint_id AND p.enabled = 1
            WHERE d.state = 'pending' AND d.next_attempt_at <= ?1
              AND NOT EXISTS (
                SELECT 1 FROM event_deliveries o
                WHERE o.endpoint_id = d.endpoint_id AND o.image_id = d.image_id AND o.state = 'pending'
                  AND o.event_seq < d.event_seq)
            ORDER BY d.event_seq LIMIT ?2
            """
        return try await database.readSnapshot { connection in
            try connection.query(sql, [.integer(now.microseconds), .integer(Int64(max(0, limit)))]) { row in
                DueDelivery(event: try Self.decodeEvent(row, from: 1), endpoint: try Self.decodeEndpoint(row, from: 6),
                            attempts: Int(row.int64(at: 0)))
            }
        }
    }

    static func prefixed(_ alias: String, _ columns: String) -> String {
        columns.split(separator: ",").map { "\(alias).\($0.trimmingCharacters(in: .whitespaces))" }.joined(separator: ", ")
    }

    /// seq, id, type, image, created_at from `start`.
    static func decodeEvent(_ row: Statement, from start: Int) throws -> StoredEvent {
        let typeName = row.text(at: start + 2)
        guard let type = ImageEventType(rawValue: typeName) else {
            throw ImageStoreError.corruptRow("events.type \(typeName)")
        }
        return StoredEvent(
            seq: row.int64(at: start), id: row.text(at: start + 1), type: type,
            image: try StoredEvent.decode(row.blob(at: start + 3)), createdAt: Date(microseconds: row.int64(at: start + 4)))
    }

    public func nextDeliveryDue() async throws -> Date? {
        try await database.readSnapshot { connection in
            let value = try connection.scalar("""
                SELECT min(d.next_attempt_at) FROM event_deliveries d
                JOIN event_endpoints p ON p.id = d.endpoint_id AND p.enabled = 1 WHERE d.state = 'pending'
                """)
            guard case .integer(let micros)? = value else { return nil }
            return Date(microseconds: micros)
        }
    }

    public func recordDeliveryAttempt(_ attempt: DeliveryAttempt, disableFailingBefore: Date) async throws -> Bool {
        try await database.write { connection in
            let at = SQLiteValue.integer(attempt.attemptedAt.microseconds)
            let key: [SQLiteValue] = [.integer(attempt.eventSeq), .text(attempt.endpointID)]
            let micros = attempt.duration.components.seconds * 1_000_000 + attempt.duration.components.attoseconds / 1_000_000_000_000
            do {
                try connection.execute("""
                    INSERT INTO event_attempts (event_seq, endpoint_id, attempted_at, status, duration_us, response_excerpt, error)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, key + [at, attempt.status.map { .integer(Int64($0)) } ?? .null, .integer(micros),
                                .text(attempt.responseExcerpt), .text(attempt.error)])
            } catch let error as SQLiteError where error.isConstraintForeignKey {
                return false  // the event was pruned or the endpoint deleted meanwhile
            }
            let status = attempt.status.map { SQLiteValue.integer(Int64($0)) } ?? .null
            switch attempt.outcome {
            case .delivered:
                try connection.execute("""
                    UPDATE event_deliveries SET state = 'delivered', attempts = attempts + 1, delivered_at = ?,
                    last_status = ?, last_error = NULL WHERE event_seq = ? AND endpoint_id = ?
                    """, [at, status] + key)
                try connection.execute(
                    "UPDATE event_endpoints SET failing_since = NULL WHERE id = ?", [.text(attempt.endpointID)])
                return false
            case .retry(let next):
                try connection.execute("""
                    UPDATE event_deliveries SET attempts = attempts + 1, last_status = ?, last_error = ?,
                    next_attempt_at = ? WHERE event_seq = ? AND endpoint_id = ?
                    """, [status, .text(attempt.error), .integer(next.microseconds)] + key)
            case .gaveUp:
                try connection.execute("""
                    UPDATE event_deliveries SET attempts = attempts + 1, last_status = ?, last_error = ?,
                    state = 'failed' WHERE event_seq = ? AND endpoint_id = ?
                    """, [status, .text(attempt.error)] + key)
            }
            try connection.execute(
                "UPDATE event_endpoints SET failing_since = coalesce(failing_since, ?) WHERE id = ?",
                [at, .text(attempt.endpointID)])
            try connection.execute("""
                UPDATE event_endpoints SET enabled = 0, disabled_reason = 'failing for 24 hours', updated_at = ?
                WHERE id = ? AND enabled = 1 AND failing_since < ?
                """, [at, .text(attempt.endpointID), .integer(disableFailingBefore.microseconds)])
            if connection.changes > 0 { return true }
            guard case .gaveUp = attempt.outcome else { return false }
            // Given up after the whole window: disabled when no delivery to it succeeded since this one's first try.
            try connection.execute("""
                UPDATE event_endpoints SET enabled = 0, disabled_reason = 'failing for 24 hours', updated_at = ?1
                WHERE id = ?2 AND enabled = 1 AND failing_since <= (
                    SELECT min(attempted_at) FROM event_attempts WHERE event_seq = ?3 AND endpoint_id = ?2)
                """, [at, .text(attempt.endpointID), .integer(attempt.eventSeq)])
            return connection.changes > 0
        }
    }

    public func deliveryBacklog() async throws -> [String: Int] {
        try await database.readSnapshot { connection in
            var backlog: [String: Int] = [:]
            try connection.forEachRow("""
                SELECT p.id, count(d.event_seq) FROM event_endpoints p
                LEFT JOIN event_deliveries d ON d.endpoint_id = p.id AND d.state = 'pending'
                GROUP BY p.id
                """) { row in backlog[row.text(at: 0)] = Int(row.int64(at: 1)) }
            return backlog
        }
    }

    // MARK: Events

    static let deliveryColumns =
        "event_seq, endpoint_id, state, attempts, next_attempt_at, delivered_at, last_status, last_error"

    static func decodeDelivery(_ row: Statement) -> EventDelivery {
        EventDelivery(
            eventSeq: row.int64(at: 0), endpointID: row.text(at: 1),
            state: EventDelivery.State(rawValue: row.text(at: 2)) ?? .pending, attempts: Int(row.int64(at: 3)),
            nextAttemptAt: Date(microseconds: row.int64(at: 4)),
            deliveredAt: row.isNull(at: 5) ? nil : Date(microseconds: row.int64(at: 5)),
            lastStatus: row.isNull(at: 6) ? nil : Int(row.int64(at: 6)),
            lastError: row.isNull(at: 7) ? nil : row.text(at: 7))
    }

    static func withDeliveries(_ connection: Connection, _ events: [StoredEvent]) throws -> [EventWithDeliveries] {
        try events.map { event in
            let deliveries = try connection.query(
                "SELECT \(deliveryColumns) FROM event_deliveries WHERE event_seq = ? ORDER BY endpoint_id",
                [.integer(event.seq)], map: decodeDelivery)
            return EventWithDeliveries(event: event, deliveries: deliveries)
        }
    }

    public func recentEvents(limit: Int) async throws -> [EventWithDeliveries] {
        try await database.readSnapshot { connection in
            let events = try connection.query(
                "SELECT seq, id, type, image, created_at FROM events ORDER BY seq DESC LIMIT ?",
                [.integer(Int64(max(0, limit)))], map: { try Self.decodeEvent($0, from: 0) })
            return try Self.withDeliveries(connection, events)
        }
    }

    public func event(id: String) async throws -> EventWithDeliveries? {
        try await database.readSnapshot { connection in
            let events = try connection.query(
                "SELECT seq, id, type, image, created_at FROM events WHERE id = ?", [.text(id)],
                map: { try Self.decodeEvent($0, from: 0) })
            return try Self.withDeliveries(connection, events).first
        }
    }

    public func redeliverEvent(id: String, at now: Date) async throws -> Bool {
        try await database.write { connection in
            guard case .integer(let seq)? = try connection.scalar("SELECT seq FROM events WHERE id = ?", [.text(id)]),
                  let row = try connection.query("SELECT type, image_id FROM events WHERE seq = ?", [.integer(seq)]).first
            else { return false }
            let type = row[0], imageID = row[1]
            try connection.execute("""
                UPDATE event_deliveries SET state = 'pending', next_attempt_at = ? WHERE event_seq = ?
                """, [.integer(now.microseconds), .integer(seq)])
            try connection.execute(SQLiteEventOutbox.fanOut + " ON CONFLICT DO NOTHING", [.integer(seq), imageID, .integer(now.microseconds), type])
            return true
        }
    }

    public func pruneEvents(createdBefore cutoff: Date) async throws -> Int {
        try await database.write { connection in
            try connection.execute("""
                DELETE FROM events WHERE created_at < ?
                """, [.integer(cutoff.microseconds)])
            return connection.changes
        }
    }
}
