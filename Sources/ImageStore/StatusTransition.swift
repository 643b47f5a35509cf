import Foundation
import JSON

/// A change of upload status, with the fields that come with it.
public enum StatusTransition: Sendable, Hashable {
    /// The bytes arrived: Cloudflare's details of the stored image.
    case uploaded(UploadedDetails)
    /// Cloudflare reports the image as a draft (upload not complete).
    case draft
    /// The upload failed.
    case failed
    /// The upload URL expired before an upload.
    case expired

    /// What Cloudflare reports about an uploaded image. Nil fields keep their stored values.
    public struct UploadedDetails: Sendable, Hashable {
        public var uploadedAt: Date
        public var variants: [String]?
        public var width: Int?
        public var height: Int?
        public var format: String?
        public var cloudflareMetadata: [String: JSONValue]?
        public var filename: String?
        public var creator: String?

        public init(
            uploadedAt: Date,
            variants: [String]? = nil,
            width: Int? = nil,
            height: Int? = nil,
            format: String? = nil,
            cloudflareMetadata: [String: JSONValue]? = nil,
            filename: String? = nil,
            creator: String? = nil
        ) {
            self.uploadedAt = uploadedAt
            self.variants = variants
            self.width = width
            self.height = height
            self.format = format
            self.cloudflareMetadata = cloudflareMetadata
            self.filename = filename
            self.creator = creator
        }
    }

    /// The same transition as a set of field changes.
    public var changes: ImageChanges {
        switch self {
        case .uploaded(let details):
            var changes = ImageChanges(
                status: .uploaded,
                creator: details.creator,
                uploadedAt: .some(details.uploadedAt),
                format: details.format,
                variants: details.variants,
                cloudflareMetadata: details.cloudflareMetadata
            )
            changes.filename = details.filename
            if let width = details.width { changes.width = .some(width) }
            if let height = details.height { changes.height = .some(height) }
            return changes
        case .draft: return ImageChanges(status: .draft)
        case .failed: return ImageChanges(status: .failed)
        case .expired: return ImageChanges(status: .expired)
        }
    }
}
