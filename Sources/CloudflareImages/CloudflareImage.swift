import Foundation
import JSON

/// An image as Cloudflare Images describes it (`GET images/v1/{id}` and list entries).
public struct CloudflareImage: Sendable, Equatable, Codable {
    public var id: String
    public var filename: String?
    public var creator: String?
    /// User metadata (`meta`; older payloads call it `metadata`). Empty when absent.
    public var meta: [String: JSONValue]
    public var requireSignedURLs: Bool
    /// Upload time, when Cloudflare reports one (draft images have none).
    public var uploaded: Date?
    /// Delivery URLs, one per variant.
    public var variants: [String]
    /// True while a direct upload URL has been created but no bytes have arrived.
    public var draft: Bool

    public init(
        id: String, filename: String? = nil, creator: String? = nil, meta: [String: JSONValue] = [:],
        requireSignedURLs: Bool = false, uploaded: Date? = nil, variants: [String] = [], draft: Bool = false
    ) {
        self.id = id
        self.filename = filename
        self.creator = creator
        self.meta = meta
        self.requireSignedURLs = requireSignedURLs
        self.uploaded = uploaded
        self.variants = variants
        self.draft = draft
    }

    enum CodingKeys: String, CodingKey {
        case id, filename, creator, meta, metadata, requireSignedURLs, uploaded, variants, draft
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        filename = try container.decodeIfPresent(String.self, forKey: .filename)
        creator = try container.decodeIfPresent(String.self, forKey: .creator)
        let meta =
            try container.decodeIfPresent(JSONValue.self, forKey: .meta)
            ?? container.decodeIfPresent(JSONValue.self, forKey: .metadata)
        switch meta {
        case .object(let object): self.meta = object
        case nil, .null: self.meta = [:]
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .meta, in: container, debugDescription: "meta is not an object")
        }
        requireSignedURLs = try container.decodeIfPresent(Bool.self, forKey: .requireSignedURLs) ?? false
        uploaded = try container.decodeIfPresent(String.self, forKey: .uploaded).flatMap(RFC3339.parse)
        variants = try container.decodeIfPresent([String].self, forKey: .variants) ?? []
        draft = try container.decodeIfPresent(Bool.self, forKey: .draft) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encodeIfPresent(filename, forKey: .filename)
        try container.encodeIfPresent(creator, forKey: .creator)
        try container.encode(meta, forKey: .meta)
        try container.encode(requireSignedURLs, forKey: .requireSignedURLs)
        try container.encodeIfPresent(uploaded.map(RFC3339.format), forKey: .uploaded)
        try container.encode(variants, forKey: .variants)
        if draft { try container.encode(draft, forKey: .draft) }
    }
}
