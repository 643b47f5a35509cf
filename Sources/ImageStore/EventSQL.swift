import Foundation
import JSON
import SQLite

/// The SQL of the events outbox and its decoders, written once for both backends (PostgreSQL's session takes the
/// same `?N` placeholders); only the type filter of `fanOut` differs between the dialects.
enum EventSQL {
    static let endpointColumns = """
        id, url, description, events, enabled, secret, previous_secret, previous_secret_expires_at, failing_since, \
        disabled_reason, created_at, updated_at
        """

    static let insertEndpoint = """
        INSERT INTO event_endpoints (\(endpointColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    static func insertEndpointValues(_ endpoint: EventEndpoint) -> [SQLiteValue] {
        [
            .text(endpoint.id), .text(endpoint.url), .text(endpoint.description), .text(eventsText(endpoint.events)),
            .integer(endpoint.enabled ? 1 : 0), .text(endpoint.secret), .text(endpoint.previousSecret),
            optionalDate(endpoint.previousSecretExpiresAt), optionalDate(endpoint.failingSince),
            .text(endpoint.disabledReason), .integer(endpoint.createdAt.microseconds),
            .integer(endpoint.updatedAt.microseconds),
        ]
    }

    static let selectEndpoints = "SELECT \(endpointColumns) FROM event_endpoints ORDER BY created_at, id"
    static let selectEndpoint = "SELECT \(endpointColumns) FROM event_endpoints WHERE id = ?"

    static let updateEndpoint = """
        UPDATE event_endpoints SET url = ?, events = ?, description = ?, enabled = ?, failing_since = ?,
        disabled_reason = ?, updated_at = ? WHERE id = ?
        """

    /// `endpoint` with the changes of `updateEventEndpoint` applied, and the values of `updateEndpoint` for it.
    static func updated(
        _ endpoint: EventEndpoint, url: String?, events: [ImageEventType]?, description: String?, enabled: Bool?,
        at now: Date
    ) -> [SQLiteValue] {
        var endpoint = endpoint
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
        return [
            .text(endpoint.url), .text(eventsText(endpoint.events)), .text(endpoint.description),
            .integer(endpoint.enabled ? 1 : 0), optionalDate(endpoint.failingSince), .text(endpoint.disabledReason),
            .integer(now.microseconds), .text(endpoint.id),
        ]
    }

    static let rotateSecret = """
        UPDATE event_endpoints SET previous_secret = secret, previous_secret_expires_at = ?, secret = ?,
        updated_at = ? WHERE id = ?
        """

    static let deleteEndpoint = "DELETE FROM event_endpoints WHERE id = ?"

    // MARK: Deliveries

    /// ?1 now, ?2 limit: pending, due, to an enabled endpoint, the oldest pending one of its endpoint and image.
    static let dueDeliveries = """
        SELECT d.attempts, \(prefixed("e", eventColumns)), \(prefixed("p", endpointColumns))
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

    /// Moves a claimed delivery's next attempt to the end of its lease: until then no other worker finds it due.
    static let extendLease =
        "UPDATE event_deliveries SET next_attempt_at = ?1 WHERE event_seq = ?2 AND endpoint_id = ?3"

    static func leaseValues(_ delivery: DueDelivery, until: Date) -> [SQLiteValue] {
        [.integer(until.microseconds), .integer(delivery.event.seq), .text(delivery.endpoint.id)]
    }

    static func dueDelivery(_ row: some StoreRow) throws -> DueDelivery {
        DueDelivery(
            event: try decodeEvent(row, from: 1), endpoint: decodeEndpoint(row, from: 7),
            attempts: Int(row.int64(at: 0)))
    }

    static let nextDue = """
        SELECT min(d.next_attempt_at) FROM event_deliveries d
        JOIN event_endpoints p ON p.id = d.endpoint_id AND p.enabled = 1 WHERE d.state = 'pending'
        """

    static let insertAttempt = """
        INSERT INTO event_attempts (event_seq, endpoint_id, attempted_at, status, duration_us, response_excerpt, error)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """

    static func insertAttemptValues(_ attempt: DeliveryAttempt) -> [SQLiteValue] {
        let (seconds, attoseconds) = attempt.duration.components
        let micros = seconds.multipliedReportingOverflow(by: 1_000_000).partialValue &+ attoseconds / 1_000_000_000_000
        return deliveryKey(attempt) + [
            .integer(attempt.attemptedAt.microseconds), status(attempt), .integer(micros),
            .text(attempt.responseExcerpt), .text(attempt.error),
        ]
    }

    static func deliveryKey(_ attempt: DeliveryAttempt) -> [SQLiteValue] {
        [.integer(attempt.eventSeq), .text(attempt.endpointID)]
    }

    static func status(_ attempt: DeliveryAttempt) -> SQLiteValue {
        attempt.status.map { .integer(Int64($0)) } ?? .null
    }

    /// The statements that apply an attempt's outcome to its delivery and endpoint, in order, with their values.
    static func outcome(of attempt: DeliveryAttempt) -> [(sql: String, values: [SQLiteValue])] {
        let at = SQLiteValue.integer(attempt.attemptedAt.microseconds)
        let key = deliveryKey(attempt)
        let endpoint = SQLiteValue.text(attempt.endpointID)
        switch attempt.outcome {
        case .delivered:
            return [
                (
                    """
                    UPDATE event_deliveries SET state = 'delivered', attempts = attempts + 1, delivered_at = ?,
                    last_status = ?, last_error = NULL WHERE event_seq = ? AND endpoint_id = ?
                    """, [at, status(attempt)] + key
                ),
                ("UPDATE event_endpoints SET failing_since = NULL WHERE id = ?", [endpoint]),
            ]
        case .retry(let next):
            return [
                (
                    """
                    UPDATE event_deliveries SET attempts = attempts + 1, last_status = ?, last_error = ?,
                    next_attempt_at = ? WHERE event_seq = ? AND endpoint_id = ?
                    """, [status(attempt), .text(attempt.error), .integer(next.microseconds)] + key
                ),
                (markFailing, [at, endpoint]),
            ]
        case .gaveUp:
            return [
                (
                    """
                    UPDATE event_deliveries SET attempts = attempts + 1, last_status = ?, last_error = ?,
                    state = 'failed' WHERE event_seq = ? AND endpoint_id = ?
                    """, [status(attempt), .text(attempt.error)] + key
                ),
                (markFailing, [at, endpoint]),
            ]
        }
    }

    static let markFailing = "UPDATE event_endpoints SET failing_since = coalesce(failing_since, ?) WHERE id = ?"

    /// ?1 now, ?2 endpoint, ?3 failing before: disables an endpoint failing for the whole window.
    static let disableFailing = """
        UPDATE event_endpoints SET enabled = 0, disabled_reason = 'failing for 24 hours', updated_at = ?1
        WHERE id = ?2 AND enabled = 1 AND failing_since < ?3
        """

    /// ?1 now, ?2 endpoint, ?3 event seq: a delivery given up after the whole window disables its endpoint when no
    /// delivery to it succeeded since that delivery's first attempt.
    static let disableGivenUp = """
        UPDATE event_endpoints SET enabled = 0, disabled_reason = 'failing for 24 hours', updated_at = ?1
        WHERE id = ?2 AND enabled = 1 AND failing_since <= (
            SELECT min(attempted_at) FROM event_attempts WHERE event_seq = ?3 AND endpoint_id = ?2)
        """

    static let backlog = """
        SELECT p.id, count(d.event_seq) FROM event_endpoints p
        LEFT JOIN event_deliveries d ON d.endpoint_id = p.id AND d.state = 'pending'
        GROUP BY p.id
        """

    // MARK: Events

    static let insertEvent = """
        INSERT INTO events (id, type, image_id, image, created_at) VALUES (?1, ?2, ?3, ?4, ?5) RETURNING seq
        """

    /// The event the change from `before` to `after` reports, as `insertEvent`'s values; nil when it reports none.
    static func event(
        from before: ImageRecord?, to after: ImageRecord?, at now: Date
    ) throws
        -> (type: ImageEventType, imageID: UUID, values: [SQLiteValue])?
    {
        guard let type = ImageEventType.change(from: before, to: after), let image = after ?? before else { return nil }
        let values: [SQLiteValue] = [
            .text(try StoredEvent.newID()), .text(type.rawValue), ImageSQL.text(image.id),
            .blob(try StoredEvent.encode(image)), .integer(now.microseconds),
        ]
        return (type, image.id, values)
    }

    /// `insertEvent` with the usage an event of the usage registry reports: ?1 to ?5 as there, ?6 the usage.
    static let insertUsageEvent = """
        INSERT INTO events (id, type, image_id, image, created_at, usage) VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING seq
        """

    /// `insertUsageEvent`'s values for `usage`, as it was, of `image`, as it is now.
    static func usageEvent(
        _ type: ImageEventType, image: ImageRecord, usage: ImageUsage, at now: Date
    ) throws -> [SQLiteValue] {
        [
            .text(try StoredEvent.newID()), .text(type.rawValue), ImageSQL.text(image.id),
            .blob(try StoredEvent.encode(image)), .integer(now.microseconds), .blob(try StoredEvent.encode(usage)),
        ]
    }

    /// ?1 seq, ?2 image id, ?3 due at, ?4 type: one delivery per enabled endpoint that takes the type (an empty
    /// list takes every type).
    static func fanOut(_ dialect: SQLDialect) -> String {
        """
        INSERT INTO event_deliveries (event_seq, endpoint_id, image_id, next_attempt_at)
        SELECT ?1, id, ?2, ?3 FROM event_endpoints WHERE \(endpointTakes(dialect, type: "?4"))
        """
    }

    /// The condition on `event_endpoints` of `fanOut`: enabled, and taking the type bound to `type`.
    static func endpointTakes(_ dialect: SQLDialect, type: String) -> String {
        let takesType =
            switch dialect {
            case .sqlite: "EXISTS (SELECT 1 FROM json_each(event_endpoints.events) WHERE value = \(type))"
            case .postgresql:
                "EXISTS (SELECT 1 FROM json_array_elements_text(event_endpoints.events::json) AS t(value) WHERE t.value = \(type))"
            }
        return "event_endpoints.enabled = 1 AND (event_endpoints.events = '[]' OR \(takesType))"
    }

    static func fanOutValues(seq: Int64, imageID: SQLiteValue, at now: Date, type: SQLiteValue) -> [SQLiteValue] {
        [.integer(seq), imageID, .integer(now.microseconds), type]
    }

    static let eventColumns = "seq, id, type, image, created_at, usage"
    static let recentEvents = "SELECT \(eventColumns) FROM events ORDER BY seq DESC LIMIT ?"
    static let eventByID = "SELECT \(eventColumns) FROM events WHERE id = ?"
    static let deliveryColumns =
        "event_seq, endpoint_id, state, attempts, next_attempt_at, delivered_at, last_status, last_error"
    static let deliveriesOfEvent =
        "SELECT \(deliveryColumns) FROM event_deliveries WHERE event_seq = ? ORDER BY endpoint_id"
    static let redeliver = "UPDATE event_deliveries SET state = 'pending', next_attempt_at = ? WHERE event_seq = ?"
    static let eventToRedeliver = "SELECT seq, type, image_id FROM events WHERE id = ?"
    static let prune = "DELETE FROM events WHERE created_at < ?"

    // MARK: Decoding

    static func decodeEndpoint(_ row: some StoreRow, from start: Int = 0) -> EventEndpoint {
        let names = (try? JSONDecoder().decode([String].self, from: Data(row.bytes(at: start + 3)))) ?? []
        return EventEndpoint(
            id: row.text(at: start), url: row.text(at: start + 1), description: row.text(at: start + 2),
            events: names.compactMap(ImageEventType.init(rawValue:)), enabled: row.int64(at: start + 4) != 0,
            secret: row.text(at: start + 5), previousSecret: row.optionalText(at: start + 6),
            previousSecretExpiresAt: row.optionalDate(at: start + 7), failingSince: row.optionalDate(at: start + 8),
            disabledReason: row.optionalText(at: start + 9), createdAt: row.date(at: start + 10),
            updatedAt: row.date(at: start + 11))
    }

    /// `eventColumns` from `start`.
    static func decodeEvent(_ row: some StoreRow, from start: Int = 0) throws -> StoredEvent {
        let typeName = row.text(at: start + 2)
        guard let type = ImageEventType(rawValue: typeName) else {
            throw ImageStoreError.corruptRow("events.type \(typeName)")
        }
        return StoredEvent(
            seq: row.int64(at: start), id: row.text(at: start + 1), type: type,
            image: try StoredEvent.decode(ImageRecord.self, row.bytes(at: start + 3), column: "image"),
            usage: row.isNull(at: start + 5)
                ? nil : try StoredEvent.decode(ImageUsage.self, row.bytes(at: start + 5), column: "usage"),
            createdAt: row.date(at: start + 4))
    }

    static func decodeDelivery(_ row: some StoreRow) -> EventDelivery {
        EventDelivery(
            eventSeq: row.int64(at: 0), endpointID: row.text(at: 1),
            state: EventDelivery.State(rawValue: row.text(at: 2)) ?? .pending, attempts: Int(row.int64(at: 3)),
            nextAttemptAt: row.date(at: 4), deliveredAt: row.optionalDate(at: 5),
            lastStatus: row.isNull(at: 6) ? nil : Int(truncatingIfNeeded: row.int64(at: 6)),
            lastError: row.optionalText(at: 7))
    }

    static func eventsText(_ events: [ImageEventType]) -> String {
        JSONText.encode(events.map(\.rawValue))
    }

    static func optionalDate(_ date: Date?) -> SQLiteValue { date.map { .integer($0.microseconds) } ?? .null }

    static func prefixed(_ alias: String, _ columns: String) -> String {
        columns.split(separator: ",").map { "\(alias).\($0.trimmingCharacters(in: .whitespaces))" }
            .joined(separator: ", ")
    }
}
