import Crypto
import Foundation
import SQLite

/// The outbox write of the SQLite backend: the one place an image change becomes an `events` row and its
/// deliveries, on the connection of the change's own transaction (so the change and its event commit together).
enum SQLiteEventOutbox {
    static let insertEvent = """
        INSERT INTO events (id, type, image_id, image, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
        """
    /// One delivery per enabled endpoint that takes the type (an empty list takes every type).
    static let fanOut = """
        INSERT INTO event_deliveries (event_seq, endpoint_id, image_id, next_attempt_at)
        SELECT ?1, id, ?2, ?3 FROM event_endpoints
        WHERE enabled = 1 AND (events = '[]' OR EXISTS (SELECT 1 FROM json_each(event_endpoints.events) WHERE value = ?4))
        """

    /// Records the event the change from `before` to `after` reports, if it reports one.
    static func record(_ connection: Connection, from before: ImageRecord?, to after: ImageRecord?, at now: Date) throws {
        guard let type = ImageEventType.change(from: before, to: after), let image = after ?? before else { return }
        let id = try StoredEvent.newID()
        let snapshot = try StoredEvent.encode(image)
        try connection.execute(insertEvent, [
            .text(id), .text(type.rawValue), ImageSQL.text(image.id), .blob(snapshot), .integer(now.microseconds),
        ])
        let seq = connection.lastInsertRowID
        try connection.execute(fanOut, [.integer(seq), ImageSQL.text(image.id), .integer(now.microseconds), .text(type.rawValue)])
    }
}
