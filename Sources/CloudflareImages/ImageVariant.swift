/// A named variant from `GET images/v1/variants`: `{"id", "options": {"fit", "metadata", "width", "height"},
/// "neverRequireSignedURLs"}` (the shape of Cloudflare's API schema and SDKs). Options Cloudflare leaves out are nil.
public struct ImageVariant: Sendable, Equatable, Decodable {
    public var id: String
    public var options: Options
    /// The variant is served without a signature even for images that require signed URLs.
    public var neverRequireSignedURLs: Bool?

    public struct Options: Sendable, Equatable, Decodable {
        /// `scale-down`, `contain`, `cover`, `crop` or `pad`.
        public var fit: String?
        /// `keep`, `copyright` or `none`: the EXIF data kept.
        public var metadata: String?
        public var width: Double?
        public var height: Double?

        public init(fit: String? = nil, metadata: String? = nil, width: Double? = nil, height: Double? = nil) {
            self.fit = fit
            self.metadata = metadata
            self.width = width
            self.height = height
        }
    }

    public init(id: String, options: Options = Options(), neverRequireSignedURLs: Bool? = nil) {
        self.id = id
        self.options = options
        self.neverRequireSignedURLs = neverRequireSignedURLs
    }

    enum CodingKeys: String, CodingKey {
        case id, options, neverRequireSignedURLs
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        options = try container.decodeIfPresent(Options.self, forKey: .options) ?? Options()
        neverRequireSignedURLs = try container.decodeIfPresent(Bool.self, forKey: .neverRequireSignedURLs)
    }
}
