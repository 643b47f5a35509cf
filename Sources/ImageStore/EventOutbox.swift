import Foundation
import SQLite

/// The outbox write, once for both backends: the one place an image change, or a usage write, becomes `events` rows
/// and their deliveries, on the session of the change's own transaction (so the change and its events commit
/// together).
enum EventOutbox {
    /// Records the event the change from `before` to `after` reports, if it reports one.
    static func record(
        _ session: some StoreSession, from before: ImageRecord?, to after: ImageRecord?, at now: Date
    ) throws {
        guard let event = try EventSQL.event(from: before, to: after, at: now) else { return }
        try insert(session, EventSQL.insertEvent, event.values, type: event.type, imageID: event.imageID, at: now)
    }

    /// Records the events a usage write from `before` to `after` reports, if any, each with its image as it is now.
    static func record(
        _ session: some StoreSession, usage before: ImageUsage?, to after: ImageUsage?, at now: Date
    ) throws {
        for change in ImageEventType.usageChanges(from: before, to: after) {
            guard let image = try session.image(change.imageID) else { continue }
            let values = try EventSQL.usageEvent(change.type, image: image, usage: change.usage, at: now)
            try insert(session, EventSQL.insertUsageEvent, values, type: change.type, imageID: image.id, at: now)
        }
    }

    /// Records `image.usage_added` for each unregistered usage the new image takes over: the usages of its
    /// Cloudflare id. SQLite's insert trigger has linked them already; PostgreSQL's runs at commit, after the events
    /// had to be written, so they are linked here (and the trigger then finds none).
    static func recordUsagesTakenOver(_ session: some StoreSession, by image: ImageRecord, at now: Date) throws {
        var usages: [ImageUsage] = []
        let (sql, values): (String, [SQLiteValue]) =
            switch session.dialect {
            case .sqlite: (UsageSQL.ofImage, [ImageSQL.text(image.id)])
            case .postgresql:
                (
                    UsageSQL.linkToNewImage,
                    [ImageSQL.text(image.id), ImageColumn.updatedAt.value(of: image), .text(image.cloudflareID)]
                )
            }
        try session.forEachRow(sql, values) { usages.append(try session.decodeUsage($0)) }
        for usage in usages.sorted(by: { $0.id < $1.id }) { try record(session, usage: nil, to: usage, at: now) }
    }

    /// The event row (`sql` returns its `seq`), then one delivery per enabled endpoint that takes `type`.
    private static func insert(
        _ session: some StoreSession, _ sql: String, _ values: [SQLiteValue], type: ImageEventType, imageID: UUID,
        at now: Date
    ) throws {
        guard let seq = try session.first(sql, values, map: { $0.int64(at: 0) }) else {
            throw ImageStoreError.corruptRow("events.seq")
        }
        try session.execute(
            EventSQL.fanOut(session.dialect),
            EventSQL.fanOutValues(seq: seq, imageID: ImageSQL.text(imageID), at: now, type: .text(type.rawValue)))
    }
}
