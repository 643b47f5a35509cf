/// Where an image is in its upload life cycle. Raw values are the stored and serialised strings.
public enum ImageStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// An upload URL was issued; no bytes yet.
    case pending
    /// Cloudflare knows the image but the upload has not completed.
    case draft
    /// The bytes are in Cloudflare.
    case uploaded
    /// The upload failed.
    case failed
    /// The upload URL expired before the upload completed.
    case expired
}
