import Foundation
import SQLite

/// `EventStore` on the repository's database (the outbox rows themselves are written by `EventOutbox`).
extension SQLiteImageRepository: EventStore {
    // MARK: Endpoints

    public func createEventEndpoint(_ endpoint: EventEndpoint) async throws -> EventEndpoint {
        try await database.write { connection in
            try connection.execute(EventSQL.insertEndpoint, EventSQL.insertEndpointValues(endpoint))
            return try Self.fetchEndpoint(connection, id: endpoint.id) ?? endpoint
        }
    }

    public func eventEndpoints() async throws -> [EventEndpoint] {
        try await database.readSnapshot { connection in
            try connection.query(EventSQL.selectEndpoints, map: { EventSQL.decodeEndpoint($0) })
        }
    }

    public func eventEndpoint(id: String) async throws -> EventEndpoint? {
        try await database.readSnapshot { try Self.fetchEndpoint($0, id: id) }
    }

    static func fetchEndpoint(_ connection: Connection, id: String) throws -> EventEndpoint? {
        try connection.first(EventSQL.selectEndpoint, [.text(id)], map: { EventSQL.decodeEndpoint($0) })
    }

    public func updateEventEndpoint(
        id: String, url: String?, events: [ImageEventType]?, description: String?, enabled: Bool?, at now: Date
    ) async throws -> EventEndpoint? {
        try await database.write { connection in
            guard let endpoint = try Self.fetchEndpoint(connection, id: id) else { return nil }
            try connection.execute(
                EventSQL.updateEndpoint,
                EventSQL.updated(
                    endpoint, url: url, events: events, description: description, enabled: enabled, at: now))
            return try Self.fetchEndpoint(connection, id: id)
        }
    }

    public func rotateEventEndpointSecret(
        id: String, newSecret: String, previousValidUntil: Date, at now: Date
    )
        async throws -> EventEndpoint?
    {
        try await database.write { connection in
            try connection.execute(
                EventSQL.rotateSecret,
                [.integer(previousValidUntil.microseconds), .text(newSecret), .integer(now.microseconds), .text(id)])
            return try Self.fetchEndpoint(connection, id: id)
        }
    }

    public func deleteEventEndpoint(id: String) async throws -> Bool {
        try await database.write { connection in
            try connection.execute(EventSQL.deleteEndpoint, [.text(id)])
            return connection.changes > 0
        }
    }

    // MARK: Deliveries

    public func claimDueDeliveries(now: Date, leaseEnd: Date, limit: Int) async throws -> [DueDelivery] {
        try await database.write { connection in
            let due = try connection.query(
                EventSQL.dueDeliveries, [.integer(now.microseconds), .integer(Int64(max(0, limit)))],
                map: EventSQL.dueDelivery)
            for delivery in due {
                try connection.execute(EventSQL.extendLease, EventSQL.leaseValues(delivery, until: leaseEnd))
            }
            return due
        }
    }

    public func nextDeliveryDue() async throws -> Date? {
        try await database.readSnapshot { connection in
            guard case .integer(let micros)? = try connection.scalar(EventSQL.nextDue) else { return nil }
            return Date(microseconds: micros)
        }
    }

    public func recordDeliveryAttempt(_ attempt: DeliveryAttempt, disableFailingBefore: Date) async throws -> Bool {
        try await database.write { connection in
            do {
                try connection.execute(EventSQL.insertAttempt, EventSQL.insertAttemptValues(attempt))
            } catch let error as SQLiteError where error.isConstraintForeignKey {
                return false  // the event was pruned or the endpoint deleted meanwhile
            }
            for statement in EventSQL.outcome(of: attempt) {
                try connection.execute(statement.sql, statement.values)
            }
            if case .delivered = attempt.outcome { return false }
            let at = SQLiteValue.integer(attempt.attemptedAt.microseconds)
            let endpoint = SQLiteValue.text(attempt.endpointID)
            try connection.execute(
                EventSQL.disableFailing, [at, endpoint, .integer(disableFailingBefore.microseconds)])
            if connection.changes > 0 { return true }
            guard case .gaveUp = attempt.outcome else { return false }
            try connection.execute(EventSQL.disableGivenUp, [at, endpoint, .integer(attempt.eventSeq)])
            return connection.changes > 0
        }
    }

    public func deliveryBacklog() async throws -> [String: Int] {
        try await database.readSnapshot { connection in
            var backlog: [String: Int] = [:]
            try connection.forEachRow(EventSQL.backlog) { row in backlog[row.text(at: 0)] = Int(row.int64(at: 1)) }
            return backlog
        }
    }

    // MARK: Events

    static func withDeliveries(_ connection: Connection, _ events: [StoredEvent]) throws -> [EventWithDeliveries] {
        try events.map { event in
            let deliveries = try connection.query(
                EventSQL.deliveriesOfEvent, [.integer(event.seq)], map: { EventSQL.decodeDelivery($0) })
            return EventWithDeliveries(event: event, deliveries: deliveries)
        }
    }

    public func recentEvents(limit: Int) async throws -> [EventWithDeliveries] {
        try await database.readSnapshot { connection in
            let events = try connection.query(
                EventSQL.recentEvents, [.integer(Int64(max(0, limit)))], map: { try EventSQL.decodeEvent($0) })
            return try Self.withDeliveries(connection, events)
        }
    }

    public func event(id: String) async throws -> EventWithDeliveries? {
        try await database.readSnapshot { connection in
            let events = try connection.query(EventSQL.eventByID, [.text(id)], map: { try EventSQL.decodeEvent($0) })
            return try Self.withDeliveries(connection, events).first
        }
    }

    public func redeliverEvent(id: String, at now: Date) async throws -> Bool {
        try await database.write { connection in
            guard let row = try connection.query(EventSQL.eventToRedeliver, [.text(id)]).first,
                case .integer(let seq) = row[0]
            else { return false }
            try connection.execute(EventSQL.redeliver, [.integer(now.microseconds), .integer(seq)])
            try connection.execute(
                EventSQL.fanOut(.sqlite) + " ON CONFLICT DO NOTHING",
                EventSQL.fanOutValues(seq: seq, imageID: row[2], at: now, type: row[1]))
            return true
        }
    }

    public func pruneEvents(createdBefore cutoff: Date) async throws -> Int {
        try await database.write { connection in
            try connection.execute(EventSQL.prune, [.integer(cutoff.microseconds)])
            return connection.changes
        }
    }
}
