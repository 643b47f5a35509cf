import Base16
import Crypto
import Foundation
import JSON
import SQLite

/// `ImageRepository` on a SQLite `Database` whose schema the `Migrator` has brought up to date.
///
/// Every read is one snapshot; every write is one transaction (which may share its commit with others, see
/// `Database.write`). All SQL is fixed text with bound parameters (list ordering comes from a whitelist). What SQLite
/// throws leaves as `ImageStoreError` (see `StoreDatabase`).
public final class SQLiteImageRepository: ImageRepository, ImmediateImageReading, ImageChangeNotifying {
    let database: StoreDatabase
    let hashToken: @Sendable (String) -> String
    let randomKey: @Sendable () throws -> String
    let clock: @Sendable () -> Date
    /// Page boundaries of deep list pages (see `ListPageReader`).
    let listBoundaries: ListBoundaryCache
    /// Signalled after every committed write.
    public var changeFeed: ImageChangeFeed { database.changeFeed }

    /// - Parameters:
    ///   - database: An open database with the current schema.
    ///   - hashToken: Hashes API keys for storage and lookup; SHA-256 hex by default. Must be deterministic.
    ///   - randomKey: Makes new API keys; by default 40 hex characters from OpenSSL's `RAND_bytes`.
    ///   - clock: The current time (injectable for tests).
    ///   - listPageInterval: Rows between two cached list page boundaries: a deep page skips fewer than this many
    ///     rows from the nearest one. Small values are for tests.
    public init(
        database: Database,
        hashToken: @escaping @Sendable (String) -> String = SQLiteImageRepository.sha256Hex,
        randomKey: @escaping @Sendable () throws -> String = SQLiteImageRepository.randomHexKey,
        clock: @escaping @Sendable () -> Date = { Date() },
        listPageInterval: Int = 256
    ) {
        self.database = StoreDatabase(database)
        self.hashToken = hashToken
        self.randomKey = randomKey
        self.clock = clock
        self.listBoundaries = ListBoundaryCache(interval: max(1, listPageInterval))
    }

    /// 20 random bytes as 40 lower-case hex characters.
    @Sendable public static func randomHexKey() throws -> String {
        try SecureRandom.hexString(byteCount: 20)
    }

    /// How API keys are stored: lower-case hex SHA-256 of the key's UTF-8 bytes.
    @Sendable public static func sha256Hex(_ key: String) -> String {
        Hex.encode(SHA256.hash(key))
    }

    // MARK: Images

    public func insert(_ image: ImageRecord, log: LogEvent) async throws -> ImageRecord {
        let record = image.atStoragePrecision
        let now = clock()
        return try await database.write { connection in
            try Self.insertImage(connection, record, log: log, at: now)
            return record
        }
    }

    /// Inserts an image row and its log row on `connection` (inside the caller's transaction); a taken id or
    /// Cloudflare id becomes `ImageStoreError`.
    static func insertImage(_ connection: Connection, _ record: ImageRecord, log: LogEvent, at now: Date) throws {
        do {
            try connection.execute(ImageSQL.insert, ImageSQL.insertValues(record))
        } catch {
            throw ImageSQL.mapConstraint(error, image: record)
        }
        try insertLog(connection, imageID: record.id, event: log, at: now)
        let outbox = SQLiteStoreSession(connection)
        try EventOutbox.record(outbox, from: nil, to: record, at: now)
        try EventOutbox.recordUsagesTakenOver(outbox, by: record, at: now)
    }

    /// A point read on an index: a recent snapshot, on the caller's thread when that needs no wait.
    public func image(_ key: ImageKey, owner: String?) async throws -> ImageRecord? {
        try await database.readRecentSnapshot { try Self.fetch($0, key, owner: owner) }
    }

    public func imageWithoutWaiting(_ key: ImageKey, owner: String?) throws -> ImmediateImage {
        do {
            return try database.readRecentSnapshotWithoutWaiting { try Self.fetch($0, key, owner: owner) }
                .map(ImmediateImage.found) ?? .missing
        } catch ImageStoreError.busy {
            return .wouldWait
        }
    }

    public func images(ids: [UUID], owner: String?) async throws -> [ImageRecord] {
        guard !ids.isEmpty else { return [] }
        let list = JSONText.encode(ids.map { $0.lowercasedText })
        return try await database.readSnapshot { connection in
            try connection.query(ImageSQL.selectByIDs, [.text(list), .text(owner)], map: ImageSQL.decode)
        }
    }

    public func images(cloudflareIDs: [String], owner: String?) async throws -> [ImageRecord] {
        guard !cloudflareIDs.isEmpty else { return [] }
        let list = JSONText.encode(cloudflareIDs)
        return try await database.readSnapshot { connection in
            try connection.query(ImageSQL.selectByCloudflareIDs, [.text(list), .text(owner)], map: ImageSQL.decode)
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
        let updated = try await database.write { connection -> ImageRecord? in
            guard let record = try Self.fetch(connection, key, owner: owner) else { return nil }
            let updated = try Self.applyUpdate(connection, to: record, at: now, body)
            if let owing { try Self.owe(connection, owing, for: updated, at: now) }
            // Owed under the id the row had: Cloudflare may have answered the settings with a new one.
            if let settling { try Self.settle(connection, settling, cloudflareID: record.cloudflareID) }
            return updated
        }
        if let updated { database.changeFeed.imagesChanged([updated.id]) }
        return updated
    }

    public func delete(_ key: ImageKey, owner: String?) async throws -> Bool {
        let now = clock()
        let deleted = try await database.write { connection -> UUID? in
            guard let record = try Self.fetch(connection, key, owner: owner) else { return nil }
            try connection.execute(ImageSQL.deleteByID, [ImageSQL.text(record.id), .text(owner)])
            try EventOutbox.record(SQLiteStoreSession(connection), from: record, to: nil, at: now)
            return record.id
        }
        guard let deleted else { return false }
        database.changeFeed.imagesChanged([deleted])
        return true
    }

    // MARK: Logs

    public func appendLog(imageID: UUID, _ event: LogEvent) async throws -> Bool {
        let now = clock()
        return try await database.write { connection in
            do {
                try Self.insertLog(connection, imageID: imageID, event: event, at: now)
                return true
            } catch let error as SQLiteError where error.isConstraintForeignKey {
                return false
            }
        }
    }

    public func logs(imageID: UUID, limit: Int?) async throws -> [UploadLogEntry] {
        let sql = """
            SELECT id, image_id, event_type, message, data, timestamp FROM image_upload_logs
            WHERE image_id = ? ORDER BY timestamp DESC, id DESC LIMIT ?
            """
        return try await database.readSnapshot { connection in
            try connection.query(sql, [ImageSQL.text(imageID), .integer(Int64(limit ?? -1))]) { row in
                UploadLogEntry(
                    id: row.int64(at: 0),
                    imageID: imageID,
                    eventType: row.text(at: 2),
                    message: row.text(at: 3),
                    data: try JSONText.object(row.blob(at: 4), column: "image_upload_logs.data"),
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
        // The counter table holds a few rows per owner: cheap enough to read on the caller's thread.
        return try await database.readRecentSnapshot { connection in
            var counts = ImageCounts()
            try connection.forEachRow(sql, bindings) { row in
                guard let status = ImageStatus(rawValue: row.text(at: 0)) else { return }
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

    static func fetch(_ connection: Connection, _ key: ImageKey, owner: String?) throws -> ImageRecord? {
        switch key {
        case .id(let id):
            try connection.first(
                ImageSQL.selectByID,
                binding: { statement in
                    try ImageSQL.bind(id, to: statement, at: 1)
                    try statement.bind(.text(owner), at: 2)
                }, map: ImageSQL.decode)
        case .cloudflareID(let id):
            try connection.first(
                ImageSQL.selectByCloudflareID,
                binding: { statement in
                    try statement.bind(.text(id), at: 1)
                    try statement.bind(.text(owner), at: 2)
                }, map: ImageSQL.decode)
        }
    }

    /// Lets `body` change `record`, then stores it and the log row it returns. Runs inside the caller's transaction.
    static func applyUpdate(
        _ connection: Connection,
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
            try connection.execute(ImageSQL.update, ImageSQL.updateValues(record))
        } catch {
            throw ImageSQL.mapConstraint(error, image: record)
        }
        try insertLog(connection, imageID: record.id, event: event, at: now)
        try EventOutbox.record(SQLiteStoreSession(connection), from: original, to: record, at: now)
        return record
    }

    static func insertLog(_ connection: Connection, imageID: UUID, event: LogEvent, at date: Date) throws {
        try connection.execute(
            ImageSQL.insertLog,
            [
                ImageSQL.text(imageID), .text(event.eventType), .text(event.message),
                .text(JSONText.encode(event.data)), .integer(date.microseconds),
            ])
    }
}

extension String {
    func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
