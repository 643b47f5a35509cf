import JSON

/// Optional form fields of `POST images/v1` (upload by URL or file); nil fields are not sent.
public struct ImageUploadOptions: Sendable, Equatable {
    public var id: String?
    /// Sent as JSON text with sorted keys.
    public var metadata: [String: JSONValue]?
    public var requireSignedURLs: Bool?
    public var creator: String?

    public init(
        id: String? = nil, metadata: [String: JSONValue]? = nil, requireSignedURLs: Bool? = nil, creator: String? = nil
    ) {
        self.id = id
        self.metadata = metadata
        self.requireSignedURLs = requireSignedURLs
        self.creator = creator
    }
}
