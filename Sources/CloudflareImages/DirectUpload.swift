/// A one-time upload URL from `POST images/v2/direct_upload`, and the id the image will have.
public struct DirectUpload: Sendable, Equatable, Codable {
    public var id: String
    public var uploadURL: String

    public init(id: String, uploadURL: String) {
        self.id = id
        self.uploadURL = uploadURL
    }
}
