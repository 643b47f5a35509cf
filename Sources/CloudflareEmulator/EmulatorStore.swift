import Base16
import Crypto
import Foundation
import SQLite

/// The emulator's persistent state: image records in SQLite (`emulator.sqlite3`) and image bytes as files under
/// `images/`, both inside the data directory, so a restarted emulator still knows every image.
final class EmulatorStore: Sendable {
    let database: Database
    let imagesDirectory: URL

    static let schema = """
        CREATE TABLE IF NOT EXISTS images (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            filename TEXT,
            creator TEXT,
            metadata TEXT NOT NULL DEFAULT '{}',
            require_signed INTEGER NOT NULL DEFAULT 0,
            uploaded INTEGER NOT NULL,
            draft INTEGER NOT NULL,
            upload_token TEXT UNIQUE,
            upload_expires INTEGER,
            format TEXT,
            width INTEGER,
            height INTEGER,
            size INTEGER
        );
        CREATE INDEX IF NOT EXISTS images_creator ON images(creator);
        """

    static let columns =
        "id, filename, creator, metadata, require_signed, uploaded, draft, upload_token, upload_expires, format, width, height, size"

    init(directory: URL) throws {
        let fileManager = FileManager.default
        imagesDirectory = directory.appendingPathComponent("images", isDirectory: true)
        try fileManager.createDirectory(at: imagesDirectory, withIntermediateDirectories: true)
        database = try Database(path: directory.appendingPathComponent("emulator.sqlite3").path, readerCount: 2)
        let connection = try Connection(path: database.path)
        try connection.execute(EmulatorStore.schema)
    }

    func close() { database.close() }

    // MARK: - Records

    static func image(from row: Statement) -> EmulatorImage {
        func optionalText(_ i: Int) -> String? { row.isNull(at: i) ? nil : row.text(at: i) }
        func optionalInt(_ i: Int) -> Int? { row.isNull(at: i) ? nil : Int(row.int64(at: i)) }
        return EmulatorImage(
            id: row.text(at: 0), filename: optionalText(1), creator: optionalText(2), metadataJSON: row.text(at: 3),
            requireSignedURLs: row.int64(at: 4) != 0, uploaded: row.int64(at: 5), draft: row.int64(at: 6) != 0,
            uploadToken: optionalText(7), uploadExpires: row.isNull(at: 8) ? nil : row.int64(at: 8),
            format: optionalText(9).flatMap(ImageFormat.init(rawValue:)), width: optionalInt(10),
            height: optionalInt(11), size: optionalInt(12))
    }

    static func bindings(_ image: EmulatorImage) -> [SQLiteValue] {
        [
            .text(image.id), .text(image.filename), .text(image.creator), .text(image.metadataJSON),
            .bool(image.requireSignedURLs), .integer(image.uploaded), .bool(image.draft), .text(image.uploadToken),
            .integer(image.uploadExpires), .text(image.format?.rawValue), .int(image.width), .int(image.height),
            .int(image.size),
        ]
    }

    /// Inserts a new record; false when the id is taken.
    func insert(_ image: EmulatorImage) async throws -> Bool {
        try await database.write { connection in
            let taken =
                try connection.scalar("SELECT COUNT(*) FROM images WHERE id = ?", [.text(image.id)])?.int64Value ?? 0
            if taken > 0 { return false }
            try connection.execute(
                "INSERT INTO images (\(EmulatorStore.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                EmulatorStore.bindings(image))
            return true
        }
    }

    func image(id: String) async throws -> EmulatorImage? {
        try await database.readSnapshot { connection in
            try connection.query(
                "SELECT \(EmulatorStore.columns) FROM images WHERE id = ?", [.text(id)],
                map: { EmulatorStore.image(from: $0) }
            ).first
        }
    }

    func image(uploadToken: String) async throws -> EmulatorImage? {
        try await database.readSnapshot { connection in
            try connection.query(
                "SELECT \(EmulatorStore.columns) FROM images WHERE upload_token = ?", [.text(uploadToken)],
                map: { EmulatorStore.image(from: $0) }
            ).first
        }
    }

    /// Marks the draft with `token` uploaded, only if it is still a draft; false when someone else got there first.
    func completeUpload(
        token: String, filename: String?, info: ImageInfo, size: Int, at now: Int64
    ) async throws -> Bool {
        try await database.write { connection in
            try connection.execute(
                """
                UPDATE images SET draft = 0, filename = ?, format = ?, width = ?, height = ?, size = ?, uploaded = ?
                WHERE upload_token = ? AND draft = 1
                """,
                [
                    .text(filename), .text(info.format.rawValue), .int(info.width), .int(info.height), .int(size),
                    .integer(now), .text(token),
                ])
            return connection.changes == 1
        }
    }

    /// Puts a record's Cloudflare fields in place: a new record (without bytes or upload URL), or, when the id is
    /// taken, that record with those fields replaced (its bytes, upload URL and what sniffing found are kept).
    func put(_ image: EmulatorImage) async throws {
        try await database.write { connection in
            try connection.execute(
                """
                INSERT INTO images (\(EmulatorStore.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET filename = excluded.filename, creator = excluded.creator,
                    metadata = excluded.metadata, require_signed = excluded.require_signed,
                    uploaded = excluded.uploaded, draft = excluded.draft
                """,
                EmulatorStore.bindings(image))
        }
    }

    /// Marks the draft `id` uploaded at `now` without bytes; false when there is no such draft.
    func markUploaded(id: String, filename: String?, at now: Int64) async throws -> Bool {
        try await database.write { connection in
            try connection.execute(
                "UPDATE images SET draft = 0, filename = ?, uploaded = ? WHERE id = ? AND draft = 1",
                [.text(filename), .integer(now), .text(id)])
            return connection.changes == 1
        }
    }

    func update(id: String, metadataJSON: String?, requireSignedURLs: Bool?) async throws -> EmulatorImage? {
        try await database.write { connection in
            if let metadataJSON {
                try connection.execute("UPDATE images SET metadata = ? WHERE id = ?", [.text(metadataJSON), .text(id)])
            }
            if let requireSignedURLs {
                try connection.execute(
                    "UPDATE images SET require_signed = ? WHERE id = ?", [.bool(requireSignedURLs), .text(id)])
            }
            return try connection.query(
                "SELECT \(EmulatorStore.columns) FROM images WHERE id = ?", [.text(id)],
                map: { EmulatorStore.image(from: $0) }
            ).first
        }
    }

    func delete(id: String) async throws -> Bool {
        let deleted = try await database.write { connection in
            try connection.execute("DELETE FROM images WHERE id = ?", [.text(id)])
            return connection.changes == 1
        }
        if deleted { try? FileManager.default.removeItem(at: fileURL(id: id)) }
        return deleted
    }

    /// Where a listing page starts: after the image uploaded at `uploaded` with row number `sequence`.
    struct ListPosition: Equatable {
        var uploaded: Int64
        var sequence: Int64
    }

    /// Uploaded (non-draft) images, optionally of one creator, ordered by upload time (ties by record order), as
    /// Cloudflare lists them: a draft created early and uploaded late comes late.
    func list(
        creator: String?, after position: ListPosition?, descending: Bool, offset: Int, limit: Int
    ) async throws
        -> (images: [(image: EmulatorImage, position: ListPosition)], total: Int)
    {
        try await database.readSnapshot { connection in
            var conditions = ["draft = 0"]
            var bindings: [SQLiteValue] = []
            if let creator {
                if creator.isEmpty {
                    conditions.append("creator IS NULL")
                } else {
                    conditions.append("creator = ?")
                    bindings.append(.text(creator))
                }
            }
            let filter = conditions.joined(separator: " AND ")
            let total = Int(
                try connection.scalar("SELECT COUNT(*) FROM images WHERE \(filter)", bindings)?.int64Value ?? 0)
            var pageFilter = filter
            var pageBindings = bindings
            if let position {
                pageFilter += descending ? " AND (uploaded, seq) < (?, ?)" : " AND (uploaded, seq) > (?, ?)"
                pageBindings += [.integer(position.uploaded), .integer(position.sequence)]
            }
            let order = descending ? "DESC" : "ASC"
            let images = try connection.query(
                "SELECT \(EmulatorStore.columns), seq FROM images WHERE \(pageFilter) ORDER BY uploaded \(order), seq \(order) LIMIT ? OFFSET ?",
                pageBindings + [.int(limit), .int(offset)],
                map: { row in
                    (
                        EmulatorStore.image(from: row),
                        ListPosition(uploaded: row.int64(at: 5), sequence: row.int64(at: 13))
                    )
                })
            return (images, total)
        }
    }

    /// Gives the image `id` the id `newID` (its bytes follow); false when `id` is unknown or `newID` taken.
    func rename(id: String, to newID: String) async throws -> Bool {
        let renamed = try await database.write { connection in
            let taken =
                try connection.scalar("SELECT COUNT(*) FROM images WHERE id = ?", [.text(newID)])?.int64Value ?? 0
            if taken > 0 { return false }
            try connection.execute("UPDATE images SET id = ? WHERE id = ?", [.text(newID), .text(id)])
            return connection.changes == 1
        }
        if renamed, FileManager.default.fileExists(atPath: fileURL(id: id).path) {
            try FileManager.default.moveItem(at: fileURL(id: id), to: fileURL(id: newID))
        }
        return renamed
    }

    func uploadedCount() async throws -> Int {
        try await database.readSnapshot { connection in
            Int(try connection.scalar("SELECT COUNT(*) FROM images WHERE draft = 0")?.int64Value ?? 0)
        }
    }

    // MARK: - Bytes

    /// Image ids may hold slashes and any UTF-8, so files are named by the SHA-256 of the id.
    func fileURL(id: String) -> URL {
        imagesDirectory.appendingPathComponent(Hex.encode(SHA256.hash(id)))
    }

    /// Writes to a temporary file; `commitBytes` moves it into place once the record says so.
    func stageBytes(_ bytes: [UInt8]) throws -> URL {
        let url = imagesDirectory.appendingPathComponent(".upload-\(UUID().uuidString)")
        try Data(bytes).write(to: url)
        return url
    }

    func commitBytes(staged: URL, id: String) throws {
        let target = fileURL(id: id)
        _ = try? FileManager.default.removeItem(at: target)
        try FileManager.default.moveItem(at: staged, to: target)
    }

    func discard(staged: URL) { try? FileManager.default.removeItem(at: staged) }

    func bytes(id: String) -> [UInt8]? {
        (try? Data(contentsOf: fileURL(id: id))).map { Array($0) }
    }
}
