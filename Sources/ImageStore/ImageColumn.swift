import Foundation
import SQLite

/// The columns of `images`, declared once: the order of the cases is the order of `ImageSQL.columns` (so a column's
/// index in a row is its `rawValue`), and every statement, binding and decode that `ImageSQL` makes is derived from
/// them. Adding or moving a column changes all of them together; a new case will not compile until it has a name, a
/// role and a value.
enum ImageColumn: Int, CaseIterable, Sendable {
    case id, cloudflareID, owner, filename, originalFilename, contentType, fileSize, uploadURL, status
    case requireSignedURLs, metadata, creator, createdAt, updatedAt, uploadedAt, expiresAt, width, height, format
    case variants, cloudflareMetadata, usageCount, lastReferencedAt

    /// Who writes a column.
    enum Role: Sendable {
        /// The key: inserted, and what an update finds the row by.
        case key
        /// Inserted, never changed by an update.
        case fixed
        /// Inserted and rewritten by every update.
        case changing
        /// Kept by the usage triggers (migration 0005); only an import writes it.
        case maintained
    }

    /// The column's position in a row selected with `ImageSQL.columns`.
    @inline(__always) var index: Int { rawValue }

    var name: String {
        switch self {
        case .id: "id"
        case .cloudflareID: "cloudflare_id"
        case .owner: "owner"
        case .filename: "filename"
        case .originalFilename: "original_filename"
        case .contentType: "content_type"
        case .fileSize: "file_size"
        case .uploadURL: "upload_url"
        case .status: "status"
        case .requireSignedURLs: "require_signed_urls"
        case .metadata: "metadata"
        case .creator: "creator"
        case .createdAt: "created_at"
        case .updatedAt: "updated_at"
        case .uploadedAt: "uploaded_at"
        case .expiresAt: "expires_at"
        case .width: "width"
        case .height: "height"
        case .format: "format"
        case .variants: "variants"
        case .cloudflareMetadata: "cloudflare_metadata"
        case .usageCount: "usage_count"
        case .lastReferencedAt: "last_referenced_at"
        }
    }

    var role: Role {
        switch self {
        case .id: .key
        case .createdAt: .fixed
        case .usageCount, .lastReferencedAt: .maintained
        default: .changing
        }
    }

    /// `images.<name>`, as errors about a stored value name it.
    var qualifiedName: String { Self.qualifiedNames[rawValue] }
    private static let qualifiedNames = allCases.map { "images." + $0.name }

    /// The record's value as this column stores it.
    func value(of image: ImageRecord) -> SQLiteValue {
        switch self {
        case .id: ImageSQL.text(image.id)
        case .cloudflareID: .text(image.cloudflareID)
        case .owner: .text(image.owner)
        case .filename: .text(image.filename)
        case .originalFilename: .text(image.originalFilename)
        case .contentType: .text(image.contentType)
        case .fileSize: .int(image.fileSize)
        case .uploadURL: .text(image.uploadURL)
        case .status: .text(image.status.rawValue)
        case .requireSignedURLs: .bool(image.requireSignedURLs)
        case .metadata: .text(JSONText.encode(image.metadata))
        case .creator: .text(image.creator)
        case .createdAt: .integer(image.createdAt.microseconds)
        case .updatedAt: .integer(image.updatedAt.microseconds)
        case .uploadedAt: .integer(image.uploadedAt?.microseconds)
        case .expiresAt: .integer(image.expiresAt.microseconds)
        case .width: .int(image.width)
        case .height: .int(image.height)
        case .format: .text(image.format)
        case .variants: .text(JSONText.encode(image.variants))
        case .cloudflareMetadata: .text(JSONText.encode(image.cloudflareMetadata))
        case .usageCount: .int(image.usageCount)
        case .lastReferencedAt: .integer(image.lastReferencedAt?.microseconds)
        }
    }
}
