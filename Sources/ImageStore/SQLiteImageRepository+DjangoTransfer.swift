import Foundation
import SQLite

/// `DjangoTransferStore`: imports run on the writer connection in batches the caller commits; exports read one
/// snapshot on a reader.
extension SQLiteImageRepository: DjangoTransferStore {
    public func withDjangoImport<T: Sendable>(
        dryRun: Bool, _ body: @escaping @Sendable (any DjangoImportWriter) throws -> T
    ) async throws -> T {
        let hashToken = hashToken
        let now = clock()
        return try await database.writeWithoutTransaction { connection in
            // A larger page cache for the run: index pages touched by one batch are then mostly written once per
            // commit instead of read back from the file (restored after, the writer serves everything else).
            let cacheSize = try connection.scalar("PRAGMA cache_size")?.int64Value ?? -2000
            try connection.execute("PRAGMA cache_size = \(Self.djangoImportCacheKiB)")
            defer { try? connection.execute("PRAGMA cache_size = \(cacheSize)") }
            let writer = SQLiteDjangoImportWriter(connection: connection, hashToken: hashToken, now: now, dryRun: dryRun)
            try writer.begin()
            do {
                let result = try body(writer)
                try writer.finish()
                return result
            } catch {
                writer.rollBack()
                throw error
            }
        }
    }

    /// The writer's page cache during an import, in KiB (SQLite's negative form).
    static let djangoImportCacheKiB = -65_536

    public func withDjangoExport<T: Sendable>(_ body: @escaping @Sendable (any DjangoExportReader) throws -> T) async throws -> T {
        try await database.readSnapshot { connection in
            try body(SQLiteDjangoExportReader(connection: connection))
        }
    }
}

/// Streams rows for `export-django` from the read transaction `Database.readSnapshot` holds.
final class SQLiteDjangoExportReader: DjangoExportReader {
    private let connection: Connection

    init(connection: Connection) {
        self.connection = connection
    }

    func users() throws -> [DjangoTransferUser] {
        var tokens: [String: [APIToken]] = [:]
        try connection.forEachRow(
            "SELECT id, user_name, is_admin, label, created_at, last_used_at, revoked_at FROM api_tokens ORDER BY created_at, rowid"
        ) { row in
            guard let id = row.withUTF8(at: 0, { UUID(canonicalUTF8: $0) }) else { throw ImageStoreError.corruptRow("api_tokens.id") }
            let token = APIToken(
                id: id, userName: row.text(at: 1), isAdmin: row.int64(at: 2) != 0, label: row.text(at: 3),
                createdAt: Date(microseconds: row.int64(at: 4)),
                lastUsedAt: row.isNull(at: 5) ? nil : Date(microseconds: row.int64(at: 5)),
                revokedAt: row.isNull(at: 6) ? nil : Date(microseconds: row.int64(at: 6)))
            tokens[token.userName, default: []].append(token)
        }
        var firstImage: [String: Date] = [:]
        try connection.forEachRow("SELECT owner, min(created_at) FROM images GROUP BY owner") { row in
            firstImage[row.text(at: 0)] = Date(microseconds: row.int64(at: 1))
        }
        return Set(tokens.keys).union(firstImage.keys).sorted().map { name in
            DjangoTransferUser(name: name, tokens: tokens[name] ?? [], firstImageCreatedAt: firstImage[name])
        }
    }

    func forEachImage(_ body: (ImageRecord) throws -> Void) throws {
        let rows = try rows("SELECT \(ImageSQL.columns) FROM images ORDER BY id")
        defer { rows.reset() }
        while try rows.step() { try body(try ImageSQL.decode(rows)) }
    }

    func forEachLog(_ body: (UploadLogEntry) throws -> Void) throws {
        let rows = try rows("SELECT id, image_id, event_type, message, data, timestamp FROM image_upload_logs ORDER BY id")
        defer { rows.reset() }
        while try rows.step() {
            guard let imageID = rows.withUTF8(at: 1, { UUID(canonicalUTF8: $0) }) else {
                throw ImageStoreError.corruptRow("image_upload_logs.image_id")
            }
            try body(UploadLogEntry(
                id: rows.int64(at: 0), imageID: imageID, eventType: rows.text(at: 2), message: rows.text(at: 3),
                data: try JSONText.object(rows, at: 4, column: "image_upload_logs.data"),
                timestamp: Date(microseconds: rows.int64(at: 5))))
        }
    }

    func forEachUsage(_ body: (ImageUsage) throws -> Void) throws {
        let rows = try rows("SELECT \(SQLiteImageRepository.usageColumns) FROM image_usages u ORDER BY u.id")
        defer { rows.reset() }
        while try rows.step() { try body(try SQLiteImageRepository.decodeUsage(rows)) }
    }

    /// A statement of its own (not the cached one: a body may read while the rows are stepped).
    private func rows(_ sql: String) throws -> Statement {
        try connection.prepare(sql)
    }
}
