import Crypto
import Foundation
import SQLite

/// `DjangoImportWriter` on the writer connection, which `withDjangoImport` lends it for the whole run.
///
/// Each import reads the stored row with the same identity first (image id, log id, usage key, token hash), so a
/// row imported again is `unchanged` and writes nothing. Statements are cached; the few objects that take more than
/// one statement run in a savepoint, so a failure leaves nothing of them behind.
final class SQLiteDjangoImportWriter {
    private let connection: Connection
    private let hashToken: @Sendable (String) -> String
    private let now: Date
    private let dryRun: Bool

    init(connection: Connection, hashToken: @escaping @Sendable (String) -> String, now: Date, dryRun: Bool) {
        self.connection = connection
        self.hashToken = hashToken
        self.now = now
        self.dryRun = dryRun
    }

    // MARK: Transactions

    func begin() throws {
        try connection.cachedStatement("BEGIN IMMEDIATE").run()
    }

    func commitBatch() throws {
        guard !dryRun else { return }
        try connection.cachedStatement("COMMIT").run()
        try begin()
    }

    /// Commits the last batch, or rolls the whole dry run back.
    func finish() throws {
        if dryRun {
            rollBack()
        } else {
            try connection.cachedStatement("COMMIT").run()
        }
    }

    func rollBack() {
        if !connection.isAutocommit { try? connection.execute("ROLLBACK") }
    }

    /// Runs `body` in a savepoint: a throw undoes what it wrote.
    private func atomically<T>(_ body: () throws -> T) throws -> T {
        try connection.cachedStatement("SAVEPOINT django_object").run()
        do {
            let result = try body()
            try connection.cachedStatement("RELEASE django_object").run()
            return result
        } catch {
            try? connection.cachedStatement("ROLLBACK TO django_object").run()
            try? connection.cachedStatement("RELEASE django_object").run()
            throw error
        }
    }

    // MARK: Images

    /// An import stores every column but `usage_count` (its usage rows set that), its own `last_referenced_at`
    /// and, on an update, its `created_at` too.
    private static let insertedColumns = ImageSQL.inserted + [.lastReferencedAt]
    private static let updatedColumns = ImageSQL.updated + [.createdAt, .lastReferencedAt]
    private static let insertImage = ImageSQL.insertStatement(insertedColumns)
    private static let updateImage = ImageSQL.updateStatement(setting: updatedColumns)
    private static let updateBindings = updatedColumns + [.id]

    func storeImage(_ image: ImageRecord) throws -> DjangoImportOutcome {
        var record = image.atStoragePrecision
        record.lastReferencedAt = record.lastReferencedAt?.storagePrecision
        do {
            guard let stored = try SQLiteImageRepository.fetch(connection, .id(record.id), owner: nil) else {
                try connection.execute(Self.insertImage, ImageSQL.values(record, Self.insertedColumns))
                return .created
            }
            record.usageCount = stored.usageCount
            if record == stored { return .unchanged }
            if stored.updatedAt > record.updatedAt { return .keptNewer }
            try connection.execute(Self.updateImage, ImageSQL.values(record, Self.updateBindings))
            return .updated
        } catch let error as SQLiteError where error.isConstraintUnique && error.message.contains("images.cloudflare_id") {
            let other = try connection.scalar("SELECT id FROM images WHERE cloudflare_id = ?", [.text(record.cloudflareID)])
            return .conflict("Cloudflare id \(record.cloudflareID) is already tracked as image \(other?.stringValue ?? "?")")
        }
    }

    // MARK: Logs

    func storeLog(_ entry: UploadLogEntry) throws -> DjangoImportOutcome {
        let content: [SQLiteValue] = [
            .text(entry.imageID.lowercasedText), .text(entry.eventType), .text(entry.message),
            .text(JSONText.encode(entry.data)), .integer(entry.timestamp.microseconds),
        ]
        let stored = try connection.first(
            "SELECT image_id, event_type, message, data, timestamp FROM image_upload_logs WHERE id = ?", [.integer(entry.id)]
        ) { row in [row.value(at: 0), row.value(at: 1), row.value(at: 2), row.value(at: 3), row.value(at: 4)] }
        guard let stored else { return try insertLog([.integer(entry.id)] + content, image: entry.imageID) }
        if stored == content { return .unchanged }
        // The id is another row's (a log written here): the same row imported before sits under a new id.
        let again = try connection.scalar(
            """
            SELECT 1 FROM image_upload_logs WHERE image_id = ? AND event_type = ? AND message = ? AND data = ? \
            AND timestamp = ? LIMIT 1
            """, content)
        if again != nil { return .unchanged }
        return try insertLog([.null] + content, image: entry.imageID)
    }

    private func insertLog(_ values: [SQLiteValue], image: UUID) throws -> DjangoImportOutcome {
        do {
            try connection.execute(
                "INSERT INTO image_upload_logs (id, image_id, event_type, message, data, timestamp) VALUES (?, ?, ?, ?, ?, ?)",
                values)
            return .created
        } catch where error.isConstraintForeignKey {
            return .missingImage(image)
        }
    }

    // MARK: Usages

    func storeUsage(_ usage: ImageUsage) throws -> DjangoImportOutcome {
        let created = usage.createdAt.microseconds
        let updated = usage.updatedAt.microseconds
        let stored = try connection.first(
            "SELECT \(SQLiteImageRepository.usageColumns) FROM image_usages u WHERE content_type = ? AND object_id = ? AND field_name = ?",
            [.text(usage.contentType), .text(usage.objectID), .text(usage.fieldName)], map: SQLiteImageRepository.decodeUsage)
        if let stored {
            if stored.cloudflareID == usage.cloudflareID, stored.imageID == usage.imageID, stored.source == usage.source,
                stored.createdAt.microseconds == created, stored.updatedAt.microseconds == updated
            {
                return .unchanged
            }
            if stored.updatedAt.microseconds > updated { return .keptNewer }
            let times = try referenceTimes(of: [stored.imageID, usage.imageID])
            return try usageWrite(times, missing: usage.imageID, outcome: .updated, Self.updateUsage, [
                .text(usage.cloudflareID), .text(usage.imageID?.lowercasedText), .text(usage.source.rawValue),
                .integer(created), .integer(updated), .integer(stored.id),
            ])
        }
        let times = try referenceTimes(of: [usage.imageID])
        return try usageWrite(times, missing: usage.imageID, outcome: .created, Self.insertUsage, [
            .integer(usage.id), .text(usage.contentType), .text(usage.objectID), .text(usage.fieldName),
            .text(usage.source.rawValue), .text(usage.cloudflareID), .text(usage.imageID?.lowercasedText),
            .integer(created), .integer(updated),
        ])
    }

    private static let updateUsage =
        "UPDATE image_usages SET cloudflare_id = ?, image_id = ?, source = ?, created_at = ?, updated_at = ? WHERE id = ?"

    /// Under the imported id unless another row has it.
    private static let insertUsage = """
        INSERT INTO image_usages (id, content_type, object_id, field_name, source, cloudflare_id, image_id, \
        created_at, updated_at) VALUES (CASE WHEN EXISTS (SELECT 1 FROM image_usages WHERE id = ?1) THEN NULL \
        ELSE ?1 END, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
        """

    /// Runs one usage statement in a savepoint and puts the images' reference times back; a refused foreign key
    /// is the image `missing`.
    private func usageWrite(
        _ times: [(UUID, SQLiteValue)], missing: UUID?, outcome: DjangoImportOutcome, _ sql: String, _ values: [SQLiteValue]
    ) throws -> DjangoImportOutcome {
        do {
            return try atomically {
                try connection.execute(sql, values)
                try restore(times)
                return outcome
            }
        } catch let error as SQLiteError where error.isConstraintForeignKey {
            guard let missing else { throw error }
            return .missingImage(missing)
        }
    }

    /// The images' `last_referenced_at`, to put back after a usage write: the usage triggers set it to the moment
    /// of the write, and an import keeps the value the image was imported with.
    private func referenceTimes(of imageIDs: [UUID?]) throws -> [(UUID, SQLiteValue)] {
        var times: [(UUID, SQLiteValue)] = []
        for id in Set(imageIDs.compactMap { $0 }) {
            if let value = try connection.scalar("SELECT last_referenced_at FROM images WHERE id = ?", [ImageSQL.text(id)]) {
                times.append((id, value))
            }
        }
        return times
    }

    private func restore(_ times: [(UUID, SQLiteValue)]) throws {
        for (id, value) in times {
            try connection.execute("UPDATE images SET last_referenced_at = ? WHERE id = ?", [value, ImageSQL.text(id)])
        }
    }

    // MARK: Tokens

    func storeToken(_ token: DjangoImportedToken) throws -> DjangoImportOutcome {
        let hash = hashToken(token.key)
        let stored = try connection.first(
            "SELECT id, user_name, is_admin, label, revoked_at IS NOT NULL FROM api_tokens WHERE token_hash = ?", [.text(hash)]
        ) { row in (id: row.text(at: 0), user: row.text(at: 1), admin: row.int64(at: 2) != 0, label: row.text(at: 3),
                    revoked: row.int64(at: 4) != 0) }
        if let stored {
            guard stored.user == token.userName else { return .conflict("the key is already a token of another user") }
            // A token revoked here stays revoked, whatever the dump says.
            if stored.revoked { return token.revoked && stored.admin == token.isAdmin && stored.label == token.label ? .unchanged : .keptNewer }
            if stored.admin == token.isAdmin, stored.label == token.label, !token.revoked { return .unchanged }
            try connection.execute(
                "UPDATE api_tokens SET is_admin = ?, label = ?, revoked_at = ? WHERE id = ?",
                [.bool(token.isAdmin), .text(token.label), .integer(token.revoked ? now.microseconds : nil), .text(stored.id)])
            return .updated
        }
        try connection.execute(
            "INSERT INTO api_tokens (id, token_hash, user_name, is_admin, label, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [ImageSQL.text(UUID(uuid: RandomUUID.bytes())), .text(hash), .text(token.userName), .bool(token.isAdmin),
             .text(token.label), .integer(token.createdAt.microseconds), .integer(token.revoked ? now.microseconds : nil)])
        return .created
    }
}

/// The face the import run sees: what SQLite throws leaves as `ImageStoreError`.
extension SQLiteDjangoImportWriter: DjangoImportWriter {
    func importImage(_ image: ImageRecord) throws -> DjangoImportOutcome {
        try ImageStoreError.mapping { try storeImage(image) }
    }

    func importLog(_ entry: UploadLogEntry) throws -> DjangoImportOutcome {
        try ImageStoreError.mapping { try storeLog(entry) }
    }

    func importUsage(_ usage: ImageUsage) throws -> DjangoImportOutcome {
        try ImageStoreError.mapping { try storeUsage(usage) }
    }

    func importToken(_ token: DjangoImportedToken) throws -> DjangoImportOutcome {
        try ImageStoreError.mapping { try storeToken(token) }
    }

    func commit() throws {
        try ImageStoreError.mapping { try commitBatch() }
    }
}
