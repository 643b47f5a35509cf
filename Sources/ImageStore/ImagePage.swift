/// One page of a listing and the total number of matches.
public struct ImagePage: Sendable, Hashable {
    /// How many images match the query, ignoring limit and offset.
    public var count: Int
    public var items: [ImageRecord]

    public init(count: Int, items: [ImageRecord]) {
        self.count = count
        self.items = items
    }
}
