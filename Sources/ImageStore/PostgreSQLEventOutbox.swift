import Foundation
import SQLite

/// The outbox write of the PostgreSQL backend, as `SQLiteEventOutbox`: in the change's own transaction.
enum PostgreSQLEventOutbox {
    /// Records the event the change from `before` to `after` reports, if it reports one.
    static func record(
        _ session: PostgreSQLSession, from before: ImageRecord?, to after: ImageRecord?, at now: Date
    ) throws {
        guard let event = try EventSQL.event(from: before, to: after, at: now) else { return }
        guard let seq = try session.scalarInt(EventSQL.insertEvent, event.values) else {
            throw ImageStoreError.corruptRow("events.seq")
        }
        try session.execute(
            EventSQL.fanOut(.postgresql),
            EventSQL.fanOutValues(
                seq: seq, imageID: ImageSQL.text(event.imageID), at: now, type: .text(event.type.rawValue)))
    }
}
