import Foundation
import JSON
import PostgreSQL
import SQLite

/// `ImageRepository` on PostgreSQL, shared by any number of instances: the same statements as
/// `SQLiteImageRepository` where the dialects agree (built from `ImageColumn` by `ImageSQL` and `ImageListSQL`),
/// the same ordering, errors, microsecond timestamps and counters (kept by triggers, migrations in
/// `Migrations/postgresql/`).
///
/// Several instances: every write that changes an image bumps `image_generation` in its transaction (a trigger), so
/// another instance's list cache and readers see it; a write reads the rows it changes `FOR UPDATE`, so two
/// instances changing one image queue as SQLite's single writer does; webhook keys are claimed by a unique insert
/// first, so two instances handed the same delivery apply it once; tokens are checked in the database on every
/// authentication (no process-local cache), so a revocation anywhere holds at once. What PostgreSQL throws leaves
/// as `ImageStoreError` (a lost connection: `busy`; the next call opens a new one).
public final class PostgreSQLImageRepository: ImageRepository, ExclusiveWork {
    let database: PostgreSQLStoreDatabase
    /// One connection of its own for the advisory locks of `exclusively` (a session's locks live on its connection).
    let lockPool: PostgreSQLPool
    let hashToken: @Sendable (String) -> String
    let randomKey: @Sendable () throws -> String
    let clock: @Sendable () -> Date
    /// Page boundaries of deep list pages (see `ListPageReader`).
    let listBoundaries: ListBoundaryCache

    /// - Parameters:
    ///   - pool: Connections to a database whose schema the `Migrator` has brought up to date.
    ///   - hashToken: Hashes API keys for storage and lookup (as `SQLiteImageRepository`'s: one store, one hash).
    ///   - randomKey: Makes new API keys.
    ///   - clock: The current time (injectable for tests).
    ///   - listPageInterval: Rows between two cached list page boundaries (as `SQLiteImageRepository`'s).
    public init(
        pool: PostgreSQLPool,
        hashToken: @escaping @Sendable (String) -> String = SQLiteImageRepository.sha256Hex,
        randomKey: @escaping @Sendable () throws -> String = SQLiteImageRepository.randomHexKey,
        clock: @escaping @Sendable () -> Date = { Date() },
        listPageInterval: Int = 256
    ) {
        self.database = PostgreSQLStoreDatabase(pool: pool)
        self.lockPool = pool.sibling(size: 1, name: "pg-lock")
        self.hashToken = hashToken
        self.randomKey = randomKey
        self.clock = clock
        self.listBoundaries = ListBoundaryCache(interval: max(1, listPageInterval))
    }

    deinit { lockPool.close() }

    /// `pg_try_advisory_lock` on the lock connection, keyed by `name`: another instance's sweep holding it means
    /// nil now. If the lock connection drops, the server releases the lock with it.
    public func exclusively<T: Sendable>(_ name: String, _ body: @Sendable () async throws -> T) async throws -> T? {
        let key: [SQLiteValue] = [.integer(Self.workLockKey), .text(name)]
        let locks = PostgreSQLStoreDatabase(pool: lockPool)
        let claimed = try await locks.read { session in
            try session.scalarText("SELECT pg_try_advisory_lock(?::int, hashtext(?))", key) == "t"
        }
        guard claimed else { return nil }
        do {
            let value = try await body()
            _ = try? await locks.read { try $0.execute("SELECT pg_advisory_unlock(?::int, hashtext(?))", key) }
            return value
        } catch {
            _ = try? await locks.read { try $0.execute("SELECT pg_advisory_unlock(?::int, hashtext(?))", key) }
            throw error
        }
    }

    /// The first key of the work locks ("cfiw"); the second is the work's name hashed.
    static let workLockKey: Int64 = 0x6366_6977

    // MARK: Images

    /// The image, its log row, its event and the event's deliveries in one statement (`insertWithLogAndEvent`),
    /// which is a transaction by itself: one round trip, where the statements one by one took six. Only for an id
    /// Cloudflare generated (a UUID, which no custom id may be): content cannot reference it before it is tracked. A
    /// custom id can be, and the transaction of `insertImage` reports the usages its image takes over.
    public func insert(_ image: ImageRecord, log: LogEvent) async throws -> ImageRecord {
        let record = image.atStoragePrecision
        let now = clock()
        guard let event = try EventSQL.event(from: nil, to: record, at: now),
            UUID(canonicalText: record.cloudflareID) != nil
        else {
            return try await database.write { session in
                try Self.insertImage(session, record, log: log, at: now)
                return record
            }
        }
        let values =
            ImageSQL.insertValues(record) + [
                .text(log.eventType), .text(log.message), .text(JSONText.encode(log.data)), .integer(now.microseconds),
            ] + event.values + [.integer(now.microseconds)]
        try await database.writeStatement { session in
            do {
                try session.execute(Self.insertWithLogAndEvent, values)
            } catch let error as PostgreSQLError {
                throw ImageSQL.mapConstraint(error, image: record)
            }
        }
        return record
    }

    /// `ImageSQL.insert`, then `ImageSQL.insertLog`, `EventSQL.insertEvent` and `EventSQL.fanOut` as
    /// data-modifying parts of one statement: the image's values, then the log's (event type, message, data,
    /// time), the event's (`EventSQL.event`'s values: id, type, image id, image, time) and the deliveries' due time.
    static let insertWithLogAndEvent: String = {
        let image = ImageSQL.inserted.count
        func p(_ offset: Int) -> String { "?\(image + offset)" }
        return """
            WITH image AS (\(ImageSQL.insert) RETURNING id), \
            log AS (INSERT INTO image_upload_logs (image_id, event_type, message, data, timestamp) \
            SELECT id, \(p(1)), \(p(2)), \(p(3)), \(p(4)) FROM image), \
            event AS (INSERT INTO events (id, type, image_id, image, created_at) \
            SELECT \(p(5)), \(p(6)), id, \(p(8)), \(p(9)) FROM image WHERE id = \(p(7)) RETURNING seq, image_id) \
            INSERT INTO event_deliveries (event_seq, endpoint_id, image_id, next_attempt_at) \
            SELECT event.seq, event_endpoints.id, event.image_id, \(p(10)) FROM event, event_endpoints \
            WHERE \(EventSQL.endpointTakes(.postgresql, type: p(6)))
            """
    }()

    static func insertImage(_ session: PostgreSQLSession, _ record: ImageRecord, log: LogEvent, at now: Date) throws {
        do {
            try session.execute(ImageSQL.insert, ImageSQL.insertValues(record))
        } catch {
            throw ImageSQL.mapConstraint(error, image: record)
        }
        try insertLog(session, imageID: record.id, event: log, at: now)
        let outbox = PostgreSQLStoreSession(session)
        try EventOutbox.record(outbox, from: nil, to: record, at: now)
        try EventOutbox.recordUsagesTakenOver(outbox, by: record, at: now)
    }

    public func image(_ key: ImageKey, owner: String?) async throws -> ImageRecord? {
        try await database.read { try Self.fetch($0, key, owner: owner, forUpdate: false) }
    }

    public func images(ids: [UUID], owner: String?) async throws -> [ImageRecord] {
        guard !ids.isEmpty else { return [] }
        let list = JSONText.encode(ids.map { $0.lowercasedText })
        return try await database.read { session in
            try session.query(ImageSQL.postgreSQLSelectByIDs, [.text(list), .text(owner)], map: ImageSQL.decode)
        }
    }

    public func images(cloudflareIDs: [String], owner: String?) async throws -> [ImageRecord] {
        guard !cloudflareIDs.isEmpty else { return [] }
        let list = JSONText.encode(cloudflareIDs)
        return try await database.read { session in
            try session.query(
                ImageSQL.postgreSQLSelectByCloudflareIDs, [.text(list), .text(owner)], map: ImageSQL.decode)
        }
    }

    public func update(
        _ key: ImageKey,
        owner: String?,
        owing: CloudflareFollowUp.Kind?,
        settling: CloudflareFollowUp.Kind?,
        _ body: @escaping @Sendable (inout ImageRecord) throws -> LogEvent
    ) async throws -> ImageRecord? {
        let now = clock()
        return try await database.write { session in
            guard let record = try Self.fetch(session, key, owner: owner, forUpdate: true) else { return nil }
            let updated = try Self.applyUpdate(session, to: record, at: now, body)
            if let owing { try Self.owe(session, owing, for: updated, at: now) }
            if let settling { try Self.settle(session, settling, cloudflareID: record.cloudflareID) }
            return updated
        }
    }

    public func delete(_ key: ImageKey, owner: String?) async throws -> Bool {
        let now = clock()
        return try await database.write { session in
            guard let record = try Self.fetch(session, key, owner: owner, forUpdate: true) else { return false }
            try session.execute(ImageSQL.deleteByID, [ImageSQL.text(record.id), .text(owner)])
            try EventOutbox.record(PostgreSQLStoreSession(session), from: record, to: nil, at: now)
            return true
        }
    }

    // MARK: Logs

    public func appendLog(imageID: UUID, _ event: LogEvent) async throws -> Bool {
        let now = clock()
        return try await database.write { session in
            // A foreign-key failure would end the transaction; ask first (the row lock keeps the image until commit).
            guard
                try session.scalarInt("SELECT 1 FROM images WHERE id = ? FOR KEY SHARE", [ImageSQL.text(imageID)])
                    != nil
            else { return false }
            try Self.insertLog(session, imageID: imageID, event: event, at: now)
            return true
        }
    }

    public func logs(imageID: UUID, limit: Int?) async throws -> [UploadLogEntry] {
        let sql = """
            SELECT id, image_id, event_type, message, data, timestamp FROM image_upload_logs
            WHERE image_id = ? ORDER BY timestamp DESC, id DESC LIMIT ?
            """
        return try await database.read { session in
            try session.query(sql, [ImageSQL.text(imageID), .integer(limit.map(Int64.init))]) { row in
                UploadLogEntry(
                    id: row.int64(at: 0),
                    imageID: imageID,
                    eventType: row.text(at: 2),
                    message: row.text(at: 3),
                    data: try JSONText.object(Array(row.text(at: 4).utf8), column: "image_upload_logs.data"),
                    timestamp: Date(microseconds: row.int64(at: 5))
                )
            }
        }
    }

    // MARK: Statistics

    public func counts(owner: String?) async throws -> ImageCounts {
        let columns =
            "status, sum(image_count), sum(total_file_size), sum(signed_url_count), sum(orphan_count), "
            + "sum(usage_count) FROM image_counts"
        let sql =
            owner == nil
            ? "SELECT \(columns) GROUP BY status"
            : "SELECT \(columns) WHERE owner = ? GROUP BY status"
        let bindings: [SQLiteValue] = owner.map { [.text($0)] } ?? []
        return try await database.read { session in
            var counts = ImageCounts()
            for row in try session.query(sql, bindings, map: { $0 }) {
                guard let status = ImageStatus(rawValue: row.text(at: 0)) else { continue }
                counts.byStatus[status] = Int(row.int64(at: 1))
                counts.totalFileSize += Int(row.int64(at: 2))
                counts.signedURLCount += Int(row.int64(at: 3))
                counts.orphanCount += Int(row.int64(at: 4))
                counts.usageCount += Int(row.int64(at: 5))
            }
            return counts
        }
    }

    // MARK: Shared steps (run on a connection thread)

    static func fetch(
        _ session: PostgreSQLSession, _ key: ImageKey, owner: String?, forUpdate: Bool
    ) throws -> ImageRecord? {
        let lock = forUpdate ? " FOR UPDATE" : ""
        switch key {
        case .id(let id):
            return try session.first(
                ImageSQL.selectByID + lock, [ImageSQL.text(id), .text(owner)], map: ImageSQL.decode)
        case .cloudflareID(let id):
            return try session.first(
                ImageSQL.selectByCloudflareID + lock, [.text(id), .text(owner)], map: ImageSQL.decode)
        }
    }

    static func applyUpdate(
        _ session: PostgreSQLSession,
        to original: ImageRecord,
        at now: Date,
        _ body: (inout ImageRecord) throws -> LogEvent
    ) throws -> ImageRecord {
        var record = original
        let event = try body(&record)
        record.id = original.id
        record.createdAt = original.createdAt
        record.updatedAt = now
        record = record.atStoragePrecision
        do {
            try session.execute(ImageSQL.update, ImageSQL.updateValues(record))
        } catch {
            throw ImageSQL.mapConstraint(error, image: record)
        }
        try insertLog(session, imageID: record.id, event: event, at: now)
        try EventOutbox.record(PostgreSQLStoreSession(session), from: original, to: record, at: now)
        return record
    }

    static func insertLog(_ session: PostgreSQLSession, imageID: UUID, event: LogEvent, at date: Date) throws {
        try session.execute(
            ImageSQL.insertLog,
            [
                ImageSQL.text(imageID), .text(event.eventType), .text(event.message),
                .text(JSONText.encode(event.data)), .integer(date.microseconds),
            ])
    }
}
