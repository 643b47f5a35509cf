import Foundation
import JSON
import PostgreSQL

/// Reading `images` rows (selected with `ImageSQL.columns`) and the other tables' JSON columns from PostgreSQL.
extension ImageSQL {
    static func decode(_ row: PostgreSQLRow) throws -> ImageRecord {
        typealias C = ImageColumn
        guard let id = UUID(canonicalText: row.text(at: C.id.index)) else {
            throw ImageStoreError.corruptRow(C.id.qualifiedName)
        }
        guard let status = ImageStatus(rawValue: row.text(at: C.status.index)) else {
            throw ImageStoreError.corruptRow(C.status.qualifiedName)
        }
        func text(_ column: C) -> String { row.text(at: column.index) }
        func int(_ column: C) -> Int? { row.optionalInt64(at: column.index).map { Int(truncatingIfNeeded: $0) } }
        func date(_ column: C) -> Date { Date(microseconds: row.int64(at: column.index)) }
        func optionalDate(_ column: C) -> Date? { row.optionalInt64(at: column.index).map { Date(microseconds: $0) } }
        func object(_ column: C) throws -> [String: JSONValue] {
            try JSONText.object(Array(row.text(at: column.index).utf8), column: column.qualifiedName)
        }
        let variants = Array(row.text(at: C.variants.index).utf8)
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
            variants: try JSONText.strings(variants.span, column: C.variants.qualifiedName),
            cloudflareMetadata: try object(.cloudflareMetadata),
            usageCount: Int(truncatingIfNeeded: row.int64(at: C.usageCount.index)),
            lastReferencedAt: optionalDate(.lastReferencedAt)
        )
    }

    /// Turns a unique violation on `images` into the matching `ImageStoreError`, by the constraint PostgreSQL names.
    static func mapConstraint(_ error: PostgreSQLError, image: ImageRecord) -> any Error {
        guard error.isUniqueViolation else { return error }
        switch error.constraint {
        case "images_cloudflare_id_key": return ImageStoreError.duplicateCloudflareID(image.cloudflareID)
        case "images_pkey": return ImageStoreError.duplicateImageID(image.id.lowercasedText)
        default: return error
        }
    }

    /// PostgreSQL's `selectByIDs`/`selectByCloudflareIDs`: the list is a JSON array parameter, as SQLite's.
    static let postgreSQLSelectByIDs = """
        SELECT \(columns) FROM images WHERE id IN (SELECT json_array_elements_text(?1::json)) AND (?2 IS NULL OR owner = ?2)
        """
    static let postgreSQLSelectByCloudflareIDs = """
        SELECT \(columns) FROM images WHERE cloudflare_id IN (SELECT json_array_elements_text(?1::json)) \
        AND (?2 IS NULL OR owner = ?2)
        """
}
