import JSON
import Foundation
import SQLite

/// The fixed SQL for the `images` table and the mapping between rows and `ImageRecord`.
enum ImageSQL {
    /// The columns the application writes, in the order `values` uses.
    static let writtenColumns = """
        id, cloudflare_id, owner, filename, original_filename, content_type, file_size, upload_url, status, \
        require_signed_urls, metadata, creator, created_at, updated_at, uploaded_at, expires_at, width, height, \
        format, variants, cloudflare_metadata
        """

    /// Every column `decode` reads: the written ones, then those the usage triggers keep (migration 0005).
    static let columns = writtenColumns + ", usage_count, last_referenced_at"

    static let insert = "INSERT INTO images (\(writtenColumns)) VALUES (\(Array(repeating: "?", count: 21).joined(separator: ", ")))"

    /// Every column but `id` and `created_at`, then the `id` to update.
    static let update = """
        UPDATE images SET cloudflare_id = ?2, owner = ?3, filename = ?4, original_filename = ?5, content_type = ?6, \
        file_size = ?7, upload_url = ?8, status = ?9, require_signed_urls = ?10, metadata = ?11, creator = ?12, \
        updated_at = ?14, uploaded_at = ?15, expires_at = ?16, width = ?17, height = ?18, format = ?19, \
        variants = ?20, cloudflare_metadata = ?21 WHERE id = ?1
        """

    static let selectByID = "SELECT \(columns) FROM images WHERE id = ?1 AND (?2 IS NULL OR owner = ?2)"
    static let selectByCloudflareID = "SELECT \(columns) FROM images WHERE cloudflare_id = ?1 AND (?2 IS NULL OR owner = ?2)"
    static let selectByIDs = """
        SELECT \(columns) FROM images WHERE id IN (SELECT value FROM json_each(?1)) AND (?2 IS NULL OR owner = ?2)
        """
    static let selectByCloudflareIDs = """
        SELECT \(columns) FROM images WHERE cloudflare_id IN (SELECT value FROM json_each(?1)) \
        AND (?2 IS NULL OR owner = ?2)
        """
    static let deleteByID = "DELETE FROM images WHERE id = ?1 AND (?2 IS NULL OR owner = ?2)"
    static let deleteByCloudflareID = "DELETE FROM images WHERE cloudflare_id = ?1 AND (?2 IS NULL OR owner = ?2)"

    static let insertLog = """
        INSERT INTO image_upload_logs (image_id, event_type, message, data, timestamp) VALUES (?, ?, ?, ?, ?)
        """

    /// The UUID as stored: lower-case text.
    static func text(_ id: UUID) -> SQLiteValue { .text(id.lowercasedText) }

    /// Binds the UUID as stored (lower-case text) to parameter `index`, without making a string of it.
    static func bind(_ id: UUID, to statement: Statement, at index: Int) throws(SQLiteError) {
        try id.withLowercasedUTF8 { text throws(SQLiteError) in try statement.bindText(text, at: index) }
    }

    /// The record's column values, in `columns` order.
    static func values(_ image: ImageRecord) throws -> [SQLiteValue] {
        [
            text(image.id),
            .text(image.cloudflareID),
            .text(image.owner),
            .text(image.filename),
            .text(image.originalFilename),
            .text(image.contentType),
            .int(image.fileSize),
            .text(image.uploadURL),
            .text(image.status.rawValue),
            .bool(image.requireSignedURLs),
            .text(JSONText.encode(image.metadata)),
            .text(image.creator),
            .integer(image.createdAt.microseconds),
            .integer(image.updatedAt.microseconds),
            .integer(image.uploadedAt?.microseconds),
            .integer(image.expiresAt.microseconds),
            .int(image.width),
            .int(image.height),
            .text(image.format),
            .text(JSONText.encode(image.variants)),
            .text(JSONText.encode(image.cloudflareMetadata)),
        ]
    }

    /// Reads the row the statement is on (selected with `columns`).
    static func decode(_ row: Statement) throws -> ImageRecord {
        guard let id = row.withUTF8(at: 0, { UUID(canonicalUTF8: $0) }) else { throw ImageStoreError.corruptRow("images.id") }
        guard let status = ImageStatus(rawValue: row.text(at: 8)) else { throw ImageStoreError.corruptRow("images.status") }
        func optionalInt(_ index: Int) -> Int? { row.isNull(at: index) ? nil : Int(row.int64(at: index)) }
        return ImageRecord(
            id: id,
            cloudflareID: row.text(at: 1),
            owner: row.text(at: 2),
            filename: row.text(at: 3),
            originalFilename: row.text(at: 4),
            contentType: row.text(at: 5),
            fileSize: optionalInt(6),
            uploadURL: row.text(at: 7),
            status: status,
            requireSignedURLs: row.int64(at: 9) != 0,
            metadata: try JSONText.object(row, at: 10, column: "images.metadata"),
            creator: row.text(at: 11),
            createdAt: Date(microseconds: row.int64(at: 12)),
            updatedAt: Date(microseconds: row.int64(at: 13)),
            uploadedAt: row.isNull(at: 14) ? nil : Date(microseconds: row.int64(at: 14)),
            expiresAt: Date(microseconds: row.int64(at: 15)),
            width: optionalInt(16),
            height: optionalInt(17),
            format: row.text(at: 18),
            variants: try JSONText.strings(row, at: 19, column: "images.variants"),
            cloudflareMetadata: try JSONText.object(row, at: 20, column: "images.cloudflare_metadata"),
            usageCount: Int(row.int64(at: 21)),
            lastReferencedAt: row.isNull(at: 22) ? nil : Date(microseconds: row.int64(at: 22))
        )
    }

    /// Turns a unique-constraint failure on `images` into the matching `ImageStoreError`.
    static func mapConstraint(_ error: SQLiteError, image: ImageRecord) -> any Error {
        guard error.isConstraintUnique else { return error }
        if error.message.contains("images.cloudflare_id") { return ImageStoreError.duplicateCloudflareID(image.cloudflareID) }
        if error.message.contains("images.id") { return ImageStoreError.duplicateImageID(image.id.lowercasedText) }
        return error
    }
}

extension ImageRecord {
    /// The record with its dates at storage precision, as it reads back.
    var atStoragePrecision: ImageRecord {
        var copy = self
        copy.createdAt = createdAt.storagePrecision
        copy.updatedAt = updatedAt.storagePrecision
        copy.uploadedAt = uploadedAt?.storagePrecision
        copy.expiresAt = expiresAt.storagePrecision
        return copy
    }
}
