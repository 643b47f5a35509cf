/// One page of `GET images/v1` (page-numbered listing).
public struct ImageListPage: Sendable, Equatable {
    public var images: [CloudflareImage]
    /// The page and size that were asked for.
    public var page: Int
    public var perPage: Int
    /// The envelope's `result_info`, when Cloudflare sends one.
    public var resultInfo: ResultInfo?

    public init(images: [CloudflareImage], page: Int, perPage: Int, resultInfo: ResultInfo? = nil) {
        self.images = images
        self.page = page
        self.perPage = perPage
        self.resultInfo = resultInfo
    }
}

/// The v4 envelope's `result_info` pagination block; every field optional.
public struct ResultInfo: Sendable, Equatable, Codable {
    public var page: Int?
    public var perPage: Int?
    public var count: Int?
    public var totalCount: Int?

    public init(page: Int? = nil, perPage: Int? = nil, count: Int? = nil, totalCount: Int? = nil) {
        self.page = page
        self.perPage = perPage
        self.count = count
        self.totalCount = totalCount
    }

    enum CodingKeys: String, CodingKey {
        case page, count
        case perPage = "per_page"
        case totalCount = "total_count"
    }
}
