import Foundation
import JSON

/// A partial update of an image: every non-nil field replaces the stored value.
///
/// For nullable columns the type is a double optional: leave it `nil` to keep the value, set `.some(nil)` to clear it.
/// `updatedAt` is always set by the repository.
public struct ImageChanges: Sendable, Hashable {
    public var filename: String?
    public var originalFilename: String?
    public var contentType: String?
    public var fileSize: Int??
    public var uploadURL: String?
    public var status: ImageStatus?
    public var requireSignedURLs: Bool?
    public var metadata: [String: JSONValue]?
    public var creator: String?
    public var uploadedAt: Date??
    public var expiresAt: Date?
    public var width: Int??
    public var height: Int??
    public var format: String?
    public var variants: [String]?
    public var cloudflareMetadata: [String: JSONValue]?

    public init(
        filename: String? = nil,
        originalFilename: String? = nil,
        contentType: String? = nil,
        fileSize: Int?? = nil,
        uploadURL: String? = nil,
        status: ImageStatus? = nil,
        requireSignedURLs: Bool? = nil,
        metadata: [String: JSONValue]? = nil,
        creator: String? = nil,
        uploadedAt: Date?? = nil,
        expiresAt: Date? = nil,
        width: Int?? = nil,
        height: Int?? = nil,
        format: String? = nil,
        variants: [String]? = nil,
        cloudflareMetadata: [String: JSONValue]? = nil
    ) {
        self.filename = filename
        self.originalFilename = originalFilename
        self.contentType = contentType
        self.fileSize = fileSize
        self.uploadURL = uploadURL
        self.status = status
        self.requireSignedURLs = requireSignedURLs
        self.metadata = metadata
        self.creator = creator
        self.uploadedAt = uploadedAt
        self.expiresAt = expiresAt
        self.width = width
        self.height = height
        self.format = format
        self.variants = variants
        self.cloudflareMetadata = cloudflareMetadata
    }

    /// Applies the changes to `record`.
    public func apply(to record: inout ImageRecord) {
        if let filename { record.filename = filename }
        if let originalFilename { record.originalFilename = originalFilename }
        if let contentType { record.contentType = contentType }
        if let fileSize { record.fileSize = fileSize }
        if let uploadURL { record.uploadURL = uploadURL }
        if let status { record.status = status }
        if let requireSignedURLs { record.requireSignedURLs = requireSignedURLs }
        if let metadata { record.metadata = metadata }
        if let creator { record.creator = creator }
        if let uploadedAt { record.uploadedAt = uploadedAt }
        if let expiresAt { record.expiresAt = expiresAt }
        if let width { record.width = width }
        if let height { record.height = height }
        if let format { record.format = format }
        if let variants { record.variants = variants }
        if let cloudflareMetadata { record.cloudflareMetadata = cloudflareMetadata }
    }
}
