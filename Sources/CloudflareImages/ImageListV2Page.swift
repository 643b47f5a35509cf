/// One page of `GET images/v2` (continuation-token listing).
public struct ImageListV2Page: Sendable, Equatable, Codable {
    public var images: [CloudflareImage]
    /// Pass to the next call to continue; nil on the last page.
    public var continuationToken: String?

    public init(images: [CloudflareImage], continuationToken: String? = nil) {
        self.images = images
        self.continuationToken = continuationToken
    }

    enum CodingKeys: String, CodingKey {
        case images
        case continuationToken = "continuation_token"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        images = try container.decodeIfPresent([CloudflareImage].self, forKey: .images) ?? []
        let token = try container.decodeIfPresent(String.self, forKey: .continuationToken)
        continuationToken = token?.isEmpty == true ? nil : token
    }
}

/// Sort order of `images/v2` listing, by upload time.
public enum SortOrder: String, Sendable {
    case ascending = "asc"
    case descending = "desc"
}
