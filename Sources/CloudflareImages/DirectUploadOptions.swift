import Foundation
import JSON

/// Form fields of `POST images/v2/direct_upload`; nil fields are not sent.
public struct DirectUploadOptions: Sendable, Equatable {
    /// A custom image id instead of Cloudflare's generated one.
    public var id: String?
    /// Sent as JSON text with sorted keys.
    public var metadata: [String: JSONValue]?
    public var requireSignedURLs: Bool?
    /// When the upload URL stops working (Cloudflare accepts 2 minutes to 6 hours ahead); sent as RFC 3339.
    public var expiry: Date?
    public var creator: String?

    public init(
        id: String? = nil, metadata: [String: JSONValue]? = nil, requireSignedURLs: Bool? = nil,
        expiry: Date? = nil, creator: String? = nil
    ) {
        self.id = id
        self.metadata = metadata
        self.requireSignedURLs = requireSignedURLs
        self.expiry = expiry
        self.creator = creator
    }
}
