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
