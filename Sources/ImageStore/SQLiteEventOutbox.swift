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

    /// Records the events a usage write from `before` to `after` reports, if any, each with its image as it is now.
    static func record(_ connection: Connection, usage before: ImageUsage?, to after: ImageUsage?, at now: Date) throws
    {
        for change in ImageEventType.usageChanges(from: before, to: after) {
            guard let image = try SQLiteImageRepository.fetch(connection, .id(change.imageID), owner: nil) else {
                continue
            }
            let values = try EventSQL.usageEvent(change.type, image: image, usage: change.usage, at: now)
            guard case .integer(let seq)? = try connection.scalar(EventSQL.insertUsageEvent, values) else {
                throw ImageStoreError.corruptRow("events.seq")
            }
            try connection.execute(
                EventSQL.fanOut(.sqlite),
                EventSQL.fanOutValues(
                    seq: seq, imageID: ImageSQL.text(image.id), at: now, type: .text(change.type.rawValue)))
        }
    }

    /// Records `image.usage_added` for each unregistered usage the new image `image` took over (its insert trigger
    /// links the usages of its Cloudflare id).
    static func recordUsagesTakenOver(_ connection: Connection, by image: ImageRecord, at now: Date) throws {
        let usages = try connection.query(
            UsageSQL.ofImage, [ImageSQL.text(image.id)], map: SQLiteImageRepository.decodeUsage)
        for usage in usages { try record(connection, usage: nil, to: usage, at: now) }
    }
}
