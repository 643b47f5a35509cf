import Crypto
import Foundation
import JSON

/// One tracked image: the `images` row, with the fields of the reference `CloudflareImage` model.
///
/// Timestamps are stored as whole microseconds (UTC); records read back carry that precision.
public struct ImageRecord: Sendable, Hashable, Codable {
    public var id: UUID
    /// Cloudflare's image ID (or the custom ID given at upload). Unique.
    public var cloudflareID: String
    /// The user name of the API user who owns the image.
    public var owner: String
    public var filename: String
    public var originalFilename: String
    public var contentType: String
    public var fileSize: Int?
    /// The one-time direct upload URL ("" for images registered after upload).
    public var uploadURL: String
    public var status: ImageStatus
    public var requireSignedURLs: Bool
    public var metadata: [String: JSONValue]
    /// Cloudflare's `creator` value ("" when none).
    public var creator: String
    public var createdAt: Date
    public var updatedAt: Date
    public var uploadedAt: Date?
    /// When the upload URL expires.
    public var expiresAt: Date
    public var width: Int?
    public var height: Int?
    public var format: String
    /// Delivery URLs, one per variant.
    public var variants: [String]
    /// Metadata as Cloudflare reported it (`meta` / `metadata` in its responses).
    public var cloudflareMetadata: [String: JSONValue]
    /// Usage rows pointing at the image, as the store keeps them (writes of the record never change it).
    public var usageCount: Int
    /// When the image last gained or lost a usage, as the store keeps it.
    public var lastReferencedAt: Date?

    public init(
        id: UUID = UUID(uuid: RandomUUID.bytes()),
        cloudflareID: String,
        owner: String,
        filename: String = "",
        originalFilename: String = "",
        contentType: String = "",
        fileSize: Int? = nil,
        uploadURL: String = "",
        status: ImageStatus = .pending,
        requireSignedURLs: Bool = true,
        metadata: [String: JSONValue] = [:],
        creator: String = "",
        createdAt: Date = Date(),
        updatedAt: Date? = nil,
        uploadedAt: Date? = nil,
        expiresAt: Date,
        width: Int? = nil,
        height: Int? = nil,
        format: String = "",
        variants: [String] = [],
        cloudflareMetadata: [String: JSONValue] = [:],
        usageCount: Int = 0,
        lastReferencedAt: Date? = nil
    ) {
        self.id = id
        self.cloudflareID = cloudflareID
        self.owner = owner
        self.filename = filename
        self.originalFilename = originalFilename
        self.contentType = contentType
        self.fileSize = fileSize
        self.uploadURL = uploadURL
        self.status = status
        self.requireSignedURLs = requireSignedURLs
        self.metadata = metadata
        self.creator = creator
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.uploadedAt = uploadedAt
        self.expiresAt = expiresAt
        self.width = width
        self.height = height
        self.format = format
        self.variants = variants
        self.cloudflareMetadata = cloudflareMetadata
        self.usageCount = usageCount
        self.lastReferencedAt = lastReferencedAt
    }

    /// The upload URL has expired (the reference's `is_expired`).
    public func isExpired(now: Date = Date()) -> Bool { now > expiresAt }

    /// The bytes are in Cloudflare.
    public var isUploaded: Bool { status == .uploaded }

    /// Uploaded and with at least one variant URL (the reference's `is_ready`).
    public var isReady: Bool { status == .uploaded && !variants.isEmpty }
}
