import Foundation
import PostgreSQL
import SQLite

/// `EventStore` on PostgreSQL, with `EventSQL`'s statements (the outbox rows are written by `EventOutbox`).
/// Every instance runs a delivery worker; deliveries are at least once (two workers may both send a due delivery),
/// and an attempt's outcome is applied under the delivery's row lock.
extension PostgreSQLImageRepository: EventStore {
    // MARK: Endpoints

    public func createEventEndpoint(_ endpoint: EventEndpoint) async throws -> EventEndpoint {
        try await database.write { session in
            try session.execute(EventSQL.insertEndpoint, EventSQL.insertEndpointValues(endpoint))
            return try Self.fetchEndpoint(session, id: endpoint.id) ?? endpoint
        }
    }

    public func eventEndpoints() async throws -> [EventEndpoint] {
        try await database.read { session in
            try session.query(EventSQL.selectEndpoints, map: { EventSQL.decodeEndpoint($0) })
        }
    }

    public func eventEndpoint(id: String) async throws -> EventEndpoint? {
        try await database.read { try Self.fetchEndpoint($0, id: id) }
    }

    static func fetchEndpoint(
        _ session: PostgreSQLSession, id: String, forUpdate: Bool = false
    ) throws -> EventEndpoint? {
        try session.first(
            EventSQL.selectEndpoint + (forUpdate ? " FOR UPDATE" : ""), [.text(id)],
            map: { EventSQL.decodeEndpoint($0) })
    }

    public func updateEventEndpoint(
        id: String, url: String?, events: [ImageEventType]?, description: String?, enabled: Bool?, at now: Date
    ) async throws -> EventEndpoint? {
        try await database.write { session in
            guard let endpoint = try Self.fetchEndpoint(session, id: id, forUpdate: true) else { return nil }
            try session.execute(
                EventSQL.updateEndpoint,
                EventSQL.updated(
                    endpoint, url: url, events: events, description: description, enabled: enabled, at: now))
            return try Self.fetchEndpoint(session, id: id)
        }
    }

    public func rotateEventEndpointSecret(
        id: String, newSecret: String, previousValidUntil: Date, at now: Date
    )
        async throws -> EventEndpoint?
    {
        try await database.write { session in
            try session.execute(
                EventSQL.rotateSecret,
                [.integer(previousValidUntil.microseconds), .text(newSecret), .integer(now.microseconds), .text(id)])
            return try Self.fetchEndpoint(session, id: id)
        }
    }

    public func deleteEventEndpoint(id: String) async throws -> Bool {
        try await database.write { session in
            try session.execute(EventSQL.deleteEndpoint, [.text(id)])
            return session.changes > 0
        }
    }

    // MARK: Deliveries

    /// Another instance's worker claiming at the same moment skips the rows this one locked (`SKIP LOCKED`) and,
    /// once this transaction commits, finds them not due.
    public func claimDueDeliveries(now: Date, leaseEnd: Date, limit: Int) async throws -> [DueDelivery] {
        try await database.write { session in
            let due = try session.query(
                EventSQL.dueDeliveries + " FOR UPDATE OF d SKIP LOCKED",
                [.integer(now.microseconds), .integer(Int64(max(0, limit)))], map: EventSQL.dueDelivery)
            for delivery in due {
                try session.execute(EventSQL.extendLease, EventSQL.leaseValues(delivery, until: leaseEnd))
            }
            return due
        }
    }

    public func nextDeliveryDue() async throws -> Date? {
        try await database.read { session in
            try session.scalarInt(EventSQL.nextDue).map { Date(microseconds: $0) }
        }
    }

    public func recordDeliveryAttempt(_ attempt: DeliveryAttempt, disableFailingBefore: Date) async throws -> Bool {
        try await database.write { session in
            // A foreign-key failure would end the transaction: lock the delivery first (gone: pruned or deleted).
            guard
                try session.scalarInt(
                    "SELECT 1 FROM event_deliveries WHERE event_seq = ? AND endpoint_id = ? FOR UPDATE",
                    EventSQL.deliveryKey(attempt)) != nil
            else { return false }
            try session.execute(EventSQL.insertAttempt, EventSQL.insertAttemptValues(attempt))
            for statement in EventSQL.outcome(of: attempt) {
                try session.execute(statement.sql, statement.values)
            }
            if case .delivered = attempt.outcome { return false }
            let at = SQLiteValue.integer(attempt.attemptedAt.microseconds)
            let endpoint = SQLiteValue.text(attempt.endpointID)
            try session.execute(EventSQL.disableFailing, [at, endpoint, .integer(disableFailingBefore.microseconds)])
            if session.changes > 0 { return true }
            guard case .gaveUp = attempt.outcome else { return false }
            try session.execute(EventSQL.disableGivenUp, [at, endpoint, .integer(attempt.eventSeq)])
            return session.changes > 0
        }
    }

    public func deliveryBacklog() async throws -> [String: Int] {
        try await database.read { session in
            let rows = try session.query(EventSQL.backlog) {
                ($0.text(at: 0), Int(truncatingIfNeeded: $0.int64(at: 1)))
            }
            return Dictionary(rows, uniquingKeysWith: { first, _ in first })
        }
    }

    // MARK: Events

    static func withDeliveries(_ session: PostgreSQLSession, _ events: [StoredEvent]) throws -> [EventWithDeliveries] {
        try events.map { event in
            let deliveries = try session.query(
                EventSQL.deliveriesOfEvent, [.integer(event.seq)], map: { EventSQL.decodeDelivery($0) })
            return EventWithDeliveries(event: event, deliveries: deliveries)
        }
    }

    public func recentEvents(limit: Int) async throws -> [EventWithDeliveries] {
        try await database.readSnapshot { session in
            let events = try session.query(
                EventSQL.recentEvents, [.integer(Int64(max(0, limit)))], map: { try EventSQL.decodeEvent($0) })
            return try Self.withDeliveries(session, events)
        }
    }

    public func event(id: String) async throws -> EventWithDeliveries? {
        try await database.readSnapshot { session in
            let events = try session.query(EventSQL.eventByID, [.text(id)], map: { try EventSQL.decodeEvent($0) })
            return try Self.withDeliveries(session, events).first
        }
    }

    public func redeliverEvent(id: String, at now: Date) async throws -> Bool {
        try await database.write { session in
            guard
                let row = try session.first(
                    EventSQL.eventToRedeliver + " FOR UPDATE", [.text(id)],
                    map: {
                        (seq: $0.int64(at: 0), type: $0.text(at: 1), imageID: $0.text(at: 2))
                    })
            else { return false }
            try session.execute(EventSQL.redeliver, [.integer(now.microseconds), .integer(row.seq)])
            try session.execute(
                EventSQL.fanOut(.postgresql) + " ON CONFLICT DO NOTHING",
                EventSQL.fanOutValues(seq: row.seq, imageID: .text(row.imageID), at: now, type: .text(row.type)))
            return true
        }
    }

    public func pruneEvents(createdBefore cutoff: Date) async throws -> Int {
        try await database.write { session in
            try session.execute(EventSQL.prune, [.integer(cutoff.microseconds)])
            return session.changes
        }
    }
}
