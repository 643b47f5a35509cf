import Foundation

/// The image record a peer serves, shaped like the reference package's `CloudflareImageSerializer` output.
public struct ImageRecord: Codable, Sendable {
    public var id: String
    public var cloudflare_id: String
    public var filename: String
    public var original_filename: String
    public var content_type: String
    public var file_size: Int?
    public var upload_url: String
    public var status: String
    public var require_signed_urls: Bool
    public var metadata: [String: String]
    public var created_at: String
    public var updated_at: String
    public var uploaded_at: String?
    public var expires_at: String
    public var variants: [String]
    public var cloudflare_metadata: [String: String]
    public var public_url: String?
    public var thumbnail_url: String?
    public var is_expired: Bool
    public var is_uploaded: Bool
}
