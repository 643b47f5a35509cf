import Crypto
import Foundation
import SQLite

/// `DjangoImportWriter` on the connection `withDjangoImport` lends it for the whole run (SQLite's writer, or one
/// PostgreSQL connection of the pool).
///
/// Each import is checked against the stored row with the same identity (image id, log id, usage key, token hash),
/// so a row imported again is `unchanged` and writes nothing. Images and logs are inserted with a statement that
/// inserts nothing when the row is there or its image is not (see ``StoreSession/insertsFirst`` for which comes
/// first, that or the lookup). The objects that take more than one statement run in a savepoint, so a failure
/// leaves nothing of them behind; so does, on PostgreSQL, a statement that may fail on a constraint (there a failed
/// statement would end the whole transaction).
final class DjangoImportRun<Session: StoreSession> {
    private let session: Session
    private let hashToken: @Sendable (String) -> String
    private let now: Date
    private let dryRun: Bool

    init(session: Session, hashToken: @escaping @Sendable (String) -> String, now: Date, dryRun: Bool) {
        self.session = session
        self.hashToken = hashToken
        self.now = now
        self.dryRun = dryRun
    }

    // MARK: Transactions

    /// `body` with this run as its writer: in a transaction from the start, the last batch committed (or, in a dry
    /// run, everything rolled back) when it returns, what is not committed rolled back when it throws.
    func run<T>(_ body: (any DjangoImportWriter) throws -> T) throws -> T {
        try begin()
        do {
            let result = try body(self)
            try finish()
            return result
        } catch {
            rollBack()
            throw error
        }
    }

    private func begin() throws {
        try session.execute(session.dialect == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN", [])
    }

    func commitBatch() throws {
        guard !dryRun else { return }
        try advanceSequences()
        try session.execute("COMMIT", [])
        try begin()
    }

    /// Commits the last batch, or rolls the whole dry run back.
    private func finish() throws {
        if dryRun {
            rollBack()
        } else {
            try advanceSequences()
            try session.execute("COMMIT", [])
        }
    }

    /// Rolls back what is not committed (nothing happens outside a transaction).
    private func rollBack() {
        _ = try? session.execute("ROLLBACK", [])
    }

    /// PostgreSQL's identity sequences past the ids imported as they were: an id the import stored must not come
    /// out of `nextval` later. (SQLite's next rowid is always past the largest.)
    private func advanceSequences() throws {
        guard session.dialect == .postgresql else { return }
        for table in ["image_upload_logs", "image_usages"] {
            try session.execute(
                """
                SELECT setval(pg_get_serial_sequence('\(table)', 'id'), max(id)) FROM \(table) \
                HAVING max(id) > coalesce(pg_sequence_last_value(pg_get_serial_sequence('\(table)', 'id')::regclass), 0)
                """, [])
        }
    }

    /// Runs `body` in a savepoint: a throw undoes what it wrote.
    private func atomically<T>(_ body: () throws -> T) throws -> T {
        try session.execute("SAVEPOINT django_object", [])
        do {
            let result = try body()
            try session.execute("RELEASE django_object", [])
            return result
        } catch {
            _ = try? session.execute("ROLLBACK TO django_object", [])
            _ = try? session.execute("RELEASE django_object", [])
            throw error
        }
    }

    /// `body`, whose statement may fail on a constraint with the transaction still usable after.
    @discardableResult
    private func recoverably<T>(_ body: () throws -> T) throws -> T {
        session.dialect == .postgresql ? try atomically(body) : try body()
    }

    // MARK: Images

    func storeImage(_ image: ImageRecord) throws -> DjangoImportOutcome {
        var record = image.atStoragePrecision
        record.lastReferencedAt = record.lastReferencedAt?.storagePrecision
        func inserted() throws -> Bool {
            try session.execute(
                DjangoImportSQL.insertImageIfNew, ImageSQL.values(record, DjangoImportSQL.insertedColumns)) == 1
        }
        if session.insertsFirst, try inserted() { return .created }
        guard let stored = try session.image(record.id) else {
            // Not stored under its id: new, unless its Cloudflare id is another image's.
            if !session.insertsFirst, try inserted() { return .created }
            return try cloudflareIDConflict(record)
        }
        record.usageCount = stored.usageCount
        if record == stored { return .unchanged }
        if stored.updatedAt > record.updatedAt { return .keptNewer }
        do {
            try recoverably {
                try session.execute(
                    DjangoImportSQL.updateImage, ImageSQL.values(record, DjangoImportSQL.updateBindings))
            }
            return .updated
        } catch let error where session.violation(error) == .cloudflareIDTaken {
            return try cloudflareIDConflict(record)
        }
    }

    private func cloudflareIDConflict(_ record: ImageRecord) throws -> DjangoImportOutcome {
        let other = try session.first("SELECT id FROM images WHERE cloudflare_id = ?", [.text(record.cloudflareID)]) {
            $0.text(at: 0)
        }
        return .conflict("Cloudflare id \(record.cloudflareID) is already tracked as image \(other ?? "?")")
    }

    // MARK: Logs

    func storeLog(_ entry: UploadLogEntry) throws -> DjangoImportOutcome {
        let content: [SQLiteValue] = [
            .text(entry.imageID.lowercasedText), .text(entry.eventType), .text(entry.message),
            .text(JSONText.encode(entry.data)), .integer(entry.timestamp.microseconds),
        ]
        func inserted() throws -> Bool {
            try session.execute(DjangoImportSQL.insertLogUnderID, [.integer(entry.id)] + content) == 1
        }
        if session.insertsFirst, try inserted() { return .created }
        let stored = try session.first(
            "SELECT image_id, event_type, message, data, timestamp FROM image_upload_logs WHERE id = ?",
            [.integer(entry.id)]
        ) { row -> [SQLiteValue] in
            [
                .text(row.text(at: 0)), .text(row.text(at: 1)), .text(row.text(at: 2)), .text(row.text(at: 3)),
                .integer(row.int64(at: 4)),
            ]
        }
        guard let stored else {
            // The id is free: new, unless its image is not stored.
            if !session.insertsFirst, try inserted() { return .created }
            return .missingImage(entry.imageID)
        }
        if stored == content { return .unchanged }
        // The id is another row's (a log written here): the same row imported before sits under a new id.
        let again = try session.exists(
            """
            SELECT 1 FROM image_upload_logs WHERE image_id = ? AND event_type = ? AND message = ? AND data = ? \
            AND timestamp = ? LIMIT 1
            """, content)
        if again { return .unchanged }
        return try session.execute(DjangoImportSQL.insertLog, content) == 1 ? .created : .missingImage(entry.imageID)
    }

    // MARK: Usages

    func storeUsage(_ usage: ImageUsage) throws -> DjangoImportOutcome {
        let created = usage.createdAt.microseconds
        let updated = usage.updatedAt.microseconds
        let stored = try session.first(
            "SELECT \(SQLiteImageRepository.usageColumns) FROM image_usages u WHERE content_type = ? AND object_id = ? AND field_name = ?",
            [.text(usage.contentType), .text(usage.objectID), .text(usage.fieldName)], map: session.decodeUsage)
        if let stored {
            if stored.cloudflareID == usage.cloudflareID, stored.imageID == usage.imageID,
                stored.source == usage.source,
                stored.createdAt.microseconds == created, stored.updatedAt.microseconds == updated
            {
                return .unchanged
            }
            if stored.updatedAt.microseconds > updated { return .keptNewer }
            let times = try referenceTimes(of: [stored.imageID, usage.imageID])
            return try usageWrite(
                times, missing: usage.imageID, outcome: .updated, DjangoImportSQL.updateUsage,
                [
                    .text(usage.cloudflareID), .text(usage.imageID?.lowercasedText), .text(usage.source.rawValue),
                    .integer(created), .integer(updated), .integer(stored.id),
                ])
        }
        let times = try referenceTimes(of: [usage.imageID])
        let fields: [SQLiteValue] = [
            .text(usage.contentType), .text(usage.objectID), .text(usage.fieldName), .text(usage.source.rawValue),
            .text(usage.cloudflareID), .text(usage.imageID?.lowercasedText), .integer(created), .integer(updated),
        ]
        // Under the imported id unless another row has it.
        if try session.exists("SELECT 1 FROM image_usages WHERE id = ?", [.integer(usage.id)]) {
            return try usageWrite(times, missing: usage.imageID, outcome: .created, DjangoImportSQL.insertUsage, fields)
        }
        return try usageWrite(
            times, missing: usage.imageID, outcome: .created, DjangoImportSQL.insertUsageWithID,
            [.integer(usage.id)] + fields)
    }

    /// Runs one usage statement in a savepoint and puts the images' reference times back; a refused foreign key
    /// is the image `missing`.
    private func usageWrite(
        _ times: [(UUID, SQLiteValue)], missing: UUID?, outcome: DjangoImportOutcome, _ sql: String,
        _ values: [SQLiteValue]
    ) throws -> DjangoImportOutcome {
        do {
            return try atomically {
                try session.execute(sql, values)
                try restore(times)
                return outcome
            }
        } catch let error where session.violation(error) == .foreignKey {
            guard let missing else { throw error }
            return .missingImage(missing)
        }
    }

    /// The images' `last_referenced_at`, to put back after a usage write: the usage triggers set it to the moment
    /// of the write, and an import keeps the value the image was imported with.
    private func referenceTimes(of imageIDs: [UUID?]) throws -> [(UUID, SQLiteValue)] {
        var times: [(UUID, SQLiteValue)] = []
        for id in Set(imageIDs.compactMap { $0 }) {
            let value = try session.first("SELECT last_referenced_at FROM images WHERE id = ?", [ImageSQL.text(id)]) {
                row in
                row.isNull(at: 0) ? SQLiteValue.null : .integer(row.int64(at: 0))
            }
            if let value { times.append((id, value)) }
        }
        return times
    }

    private func restore(_ times: [(UUID, SQLiteValue)]) throws {
        for (id, value) in times {
            try session.execute("UPDATE images SET last_referenced_at = ? WHERE id = ?", [value, ImageSQL.text(id)])
        }
    }

    // MARK: Tokens

    func storeToken(_ token: DjangoImportedToken) throws -> DjangoImportOutcome {
        let hash = hashToken(token.key)
        let stored = try session.first(
            """
            SELECT id, user_name, is_admin, label, CASE WHEN revoked_at IS NULL THEN 0 ELSE 1 END FROM api_tokens \
            WHERE token_hash = ?
            """, [.text(hash)]
        ) { row in
            (
                id: row.text(at: 0), user: row.text(at: 1), admin: row.int64(at: 2) != 0, label: row.text(at: 3),
                revoked: row.int64(at: 4) != 0
            )
        }
        if let stored {
            guard stored.user == token.userName else { return .conflict("the key is already a token of another user") }
            // A token revoked here stays revoked, whatever the dump says.
            if stored.revoked {
                return token.revoked && stored.admin == token.isAdmin && stored.label == token.label
                    ? .unchanged : .keptNewer
            }
            if stored.admin == token.isAdmin, stored.label == token.label, !token.revoked { return .unchanged }
            try session.execute(
                "UPDATE api_tokens SET is_admin = ?, label = ?, revoked_at = ? WHERE id = ?",
                [
                    .bool(token.isAdmin), .text(token.label), .integer(token.revoked ? now.microseconds : nil),
                    .text(stored.id),
                ])
            return .updated
        }
        try session.execute(
            "INSERT INTO api_tokens (id, token_hash, user_name, is_admin, label, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                ImageSQL.text(UUID(uuid: RandomUUID.bytes())), .text(hash), .text(token.userName), .bool(token.isAdmin),
                .text(token.label), .integer(token.createdAt.microseconds),
                .integer(token.revoked ? now.microseconds : nil),
            ])
        return .created
    }
}

/// The face the import run sees: what the backend throws leaves as `ImageStoreError`.
extension DjangoImportRun: DjangoImportWriter {
    func importImage(_ image: ImageRecord) throws -> DjangoImportOutcome {
        try mapping { try storeImage(image) }
    }

    func importLog(_ entry: UploadLogEntry) throws -> DjangoImportOutcome {
        try mapping { try storeLog(entry) }
    }

    func importUsage(_ usage: ImageUsage) throws -> DjangoImportOutcome {
        try mapping { try storeUsage(usage) }
    }

    func importToken(_ token: DjangoImportedToken) throws -> DjangoImportOutcome {
        try mapping { try storeToken(token) }
    }

    func commit() throws {
        try mapping { try commitBatch() }
    }

    private func mapping<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw Session.mapped(error)
        }
    }
}

/// The statements of `DjangoImportRun` (a generic type cannot hold them).
private enum DjangoImportSQL {
    /// An import stores every column but `usage_count` (its usage rows set that), its own `last_referenced_at`
    /// and, on an update, its `created_at` too.
    static let insertedColumns = ImageSQL.inserted + [.lastReferencedAt]
    static let updatedColumns = ImageSQL.updated + [.createdAt, .lastReferencedAt]
    /// Inserts nothing (0 rows changed) when the id or the Cloudflare id is stored.
    static let insertImageIfNew = ImageSQL.insertStatement(insertedColumns) + " ON CONFLICT DO NOTHING"
    /// Inserts nothing when the id is taken or the image is not stored (so no foreign key can fail).
    static let insertLogUnderID = """
        INSERT INTO image_upload_logs (id, image_id, event_type, message, data, timestamp) \
        SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM images WHERE id = ?2) ON CONFLICT DO NOTHING
        """
    /// Under a new id; nothing when the image is not stored.
    static let insertLog = """
        INSERT INTO image_upload_logs (image_id, event_type, message, data, timestamp) \
        SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM images WHERE id = ?1)
        """
    static let updateImage = ImageSQL.updateStatement(setting: updatedColumns)
    static let updateBindings = updatedColumns + [.id]

    static let updateUsage =
        "UPDATE image_usages SET cloudflare_id = ?, image_id = ?, source = ?, created_at = ?, updated_at = ? WHERE id = ?"

    static let usageFields =
        "content_type, object_id, field_name, source, cloudflare_id, image_id, created_at, updated_at"
    static let insertUsage = "INSERT INTO image_usages (\(usageFields)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    static let insertUsageWithID = "INSERT INTO image_usages (id, \(usageFields)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
}
