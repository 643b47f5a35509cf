/// One page of a listing and the total number of matches.
public struct ImagePage: Sendable, Hashable {
    /// How many images match the query, ignoring limit and offset.
    public var count: Int
    public var items: [ImageRecord]
    /// The `images` change counter of the snapshot the page was read in (see
    /// ``ImageRepository/imagesGeneration()``); nil when the store does not keep one.
    public var generation: Int64?

    /// Whether matches follow this page: from the count, or for a query that does not count, from one extra row.
    public var hasMore = false

    public init(count: Int, items: [ImageRecord], generation: Int64? = nil) {
        self.count = count
        self.items = items
        self.generation = generation
    }
}

extension ImagePage {
    /// The page of `query` with `hasMore` set, read by `listPage` (the count and rows in one snapshot). A query that
    /// does not count reads one row more than asked, which says whether another page follows.
    static func read(_ query: ImageQuery, _ listPage: (ImageQuery) async throws -> ImagePage) async throws -> ImagePage
    {
        guard !query.countTotal, let limit = query.limit else {
            var page = try await listPage(query)
            page.hasMore = query.limit.map { query.offset + $0 < page.count } ?? false
            return page
        }
        var probe = query
        probe.limit = limit + 1
        var page = try await listPage(probe)
        page.hasMore = page.items.count > limit
        page.items = Array(page.items.prefix(limit))
        page.count = (query.after == nil ? query.offset : 0) + page.items.count + (page.hasMore ? 1 : 0)
        return page
    }
}
