import Foundation
import JSON
import SQLite

/// The fixed SQL for the `images` table and the mapping between rows and `ImageRecord`, all derived from
/// `ImageColumn`: each string is built once, when first used.
enum ImageSQL {
    /// Every column, in `ImageColumn` order: what `decode` reads (by `ImageColumn.index`).
    static let columns = ImageColumn.allCases.map(\.name).joined(separator: ", ")

    /// The columns a new image is stored with (all but those the usage triggers keep).
    static let inserted = ImageColumn.allCases.filter { $0.role != .maintained }
    /// The columns an update rewrites.
    static let updated = ImageColumn.allCases.filter { $0.role == .changing }

    /// Binds `values(record, inserted)`.
    static let insert = insertStatement(inserted)
    /// Binds `values(record, updated + [.id])`.
    static let update = updateStatement(setting: updated)

    /// `INSERT INTO images (<columns>) VALUES (?1, ..., ?n)`, bound with `values(_:_:)` of the same columns.
    static func insertStatement(_ columns: [ImageColumn]) -> String {
        let placeholders = (1...columns.count).map { "?\($0)" }.joined(separator: ", ")
        return "INSERT INTO images (\(columns.map(\.name).joined(separator: ", "))) VALUES (\(placeholders))"
    }

    /// `UPDATE images SET <column> = ?k, ... WHERE id = ?n`, bound with `values(_:_:)` of `columns + [.id]`.
    static func updateStatement(setting columns: [ImageColumn]) -> String {
        let assignments = columns.enumerated().map { "\($1.name) = ?\($0 + 1)" }.joined(separator: ", ")
        return "UPDATE images SET \(assignments) WHERE \(ImageColumn.id.name) = ?\(columns.count + 1)"
    }

    /// The record's values for `columns`, in that order.
    static func values(_ image: ImageRecord, _ columns: [ImageColumn]) -> [SQLiteValue] {
        columns.map { $0.value(of: image) }
    }

    /// The bindings of `insert`.
    static func insertValues(_ image: ImageRecord) -> [SQLiteValue] { values(image, inserted) }
    /// The bindings of `update`.
    static func updateValues(_ image: ImageRecord) -> [SQLiteValue] { values(image, updatedByID) }
    private static let updatedByID = updated + [.id]

    static let selectByID = "SELECT \(columns) FROM images WHERE id = ?1 AND (?2 IS NULL OR owner = ?2)"
    static let selectByCloudflareID =
        "SELECT \(columns) FROM images WHERE cloudflare_id = ?1 AND (?2 IS NULL OR owner = ?2)"
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

    /// Reads the row the statement is on (selected with `columns`).
    static func decode(_ row: Statement) throws -> ImageRecord {
        typealias C = ImageColumn
        guard let id = row.withUTF8(at: C.id.index, { UUID(canonicalUTF8: $0) }) else {
            throw ImageStoreError.corruptRow(C.id.qualifiedName)
        }
        guard let status = ImageStatus(rawValue: row.text(at: C.status.index)) else {
            throw ImageStoreError.corruptRow(C.status.qualifiedName)
        }
        func text(_ column: C) -> String { row.text(at: column.index) }
        func int(_ column: C) -> Int? { row.isNull(at: column.index) ? nil : Int(row.int64(at: column.index)) }
        func date(_ column: C) -> Date { Date(microseconds: row.int64(at: column.index)) }
        func optionalDate(_ column: C) -> Date? { row.isNull(at: column.index) ? nil : date(column) }
        func object(_ column: C) throws -> [String: JSONValue] {
            try JSONText.object(row, at: column.index, column: column.qualifiedName)
        }
        return ImageRecord(
            id: id,
            cloudflareID: text(.cloudflareID),
            owner: text(.owner),
            filename: text(.filename),
            originalFilename: text(.originalFilename),
            contentType: text(.contentType),
            fileSize: int(.fileSize),
            uploadURL: text(.uploadURL),
            status: status,
            requireSignedURLs: row.int64(at: C.requireSignedURLs.index) != 0,
            metadata: try object(.metadata),
            creator: text(.creator),
            createdAt: date(.createdAt),
            updatedAt: date(.updatedAt),
            uploadedAt: optionalDate(.uploadedAt),
            expiresAt: date(.expiresAt),
            width: int(.width),
            height: int(.height),
            format: text(.format),
            variants: try JSONText.strings(row, at: C.variants.index, column: C.variants.qualifiedName),
            cloudflareMetadata: try object(.cloudflareMetadata),
            usageCount: Int(row.int64(at: C.usageCount.index)),
            lastReferencedAt: optionalDate(.lastReferencedAt)
        )
    }

    /// Turns a unique-constraint failure on `images` into the matching `ImageStoreError`.
    static func mapConstraint(_ error: SQLiteError, image: ImageRecord) -> any Error {
        guard error.isConstraintUnique else { return error }
        if error.message.contains("images.cloudflare_id") {
            return ImageStoreError.duplicateCloudflareID(image.cloudflareID)
        }
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
