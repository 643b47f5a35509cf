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

    /// Records the events a usage write from `before` to `after` reports, if any, each with its image as it is now.
    static func record(
        _ session: PostgreSQLSession, usage before: ImageUsage?, to after: ImageUsage?, at now: Date
    ) throws {
        for change in ImageEventType.usageChanges(from: before, to: after) {
            guard
                let image = try PostgreSQLImageRepository.fetch(
                    session, .id(change.imageID), owner: nil, forUpdate: false)
            else { continue }
            let values = try EventSQL.usageEvent(change.type, image: image, usage: change.usage, at: now)
            guard let seq = try session.scalarInt(EventSQL.insertUsageEvent, values) else {
                throw ImageStoreError.corruptRow("events.seq")
            }
            try session.execute(
                EventSQL.fanOut(.postgresql),
                EventSQL.fanOutValues(
                    seq: seq, imageID: ImageSQL.text(image.id), at: now, type: .text(change.type.rawValue)))
        }
    }

    /// Links the unregistered usages of the new image's Cloudflare id to it and records `image.usage_added` for
    /// each, in the insert's transaction (the trigger that also links them runs at commit, and then finds none).
    static func recordUsagesTakenOver(_ session: PostgreSQLSession, by image: ImageRecord, at now: Date) throws {
        let usages = try session.query(
            UsageSQL.linkToNewImage,
            [ImageSQL.text(image.id), ImageColumn.updatedAt.value(of: image), .text(image.cloudflareID)],
            map: PostgreSQLImageRepository.decodeUsage)
        for usage in usages.sorted(by: { $0.id < $1.id }) { try record(session, usage: nil, to: usage, at: now) }
    }
}
