import Foundation
import SQLite

/// The outbox write of the SQLite backend: the one place an image change becomes an `events` row and its
/// deliveries, on the connection of the change's own transaction (so the change and its event commit together).
enum SQLiteEventOutbox {
    /// Records the event the change from `before` to `after` reports, if it reports one.
    static func record(_ connection: Connection, from before: ImageRecord?, to after: ImageRecord?, at now: Date) throws
    {
        guard let event = try EventSQL.event(from: before, to: after, at: now) else { return }
        guard case .integer(let seq)? = try connection.scalar(EventSQL.insertEvent, event.values) else {
            throw ImageStoreError.corruptRow("events.seq")
        }
        try connection.execute(
            EventSQL.fanOut(.sqlite),
            EventSQL.fanOutValues(
                seq: seq, imageID: ImageSQL.text(event.imageID), at: now, type: .text(event.type.rawValue)))
    }
}
