import Foundation

/// Filters, ordering and paging for listing usages (the reference's `api/usages/`).
public struct UsageQuery: Sendable, Hashable {
    public enum Ordering: String, Sendable, CaseIterable {
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    /// Only usages of this owner's images; nil means every usage, unregistered ones included (staff).
    public var owner: String?
    /// Only the usage with this id.
    public var usageID: Int64?
    /// Only usages of this image.
    public var imageID: UUID?
    public var contentType: String?
    /// Only usages of this object (meaningful with `contentType`).
    public var objectID: String?
    public var fieldName: String?
    /// Only unregistered references (which have no owner, so an owner-scoped query finds none).
    public var unregisteredOnly: Bool
    /// Whitespace-separated terms; each must be a case-insensitive substring of `cloudflare_id`, `field_name` or
    /// `object_id` (the reference's `search_fields`).
    public var search: String?
    public var ordering: Ordering
    public var descending: Bool
    /// Page size; nil returns every match.
    public var limit: Int?
    public var offset: Int

    public init(
        owner: String? = nil, usageID: Int64? = nil, imageID: UUID? = nil, contentType: String? = nil,
        objectID: String? = nil, fieldName: String? = nil,
        unregisteredOnly: Bool = false, search: String? = nil, ordering: Ordering = .updatedAt, descending: Bool = true,
        limit: Int? = 20, offset: Int = 0
    ) {
        self.owner = owner
        self.usageID = usageID
        self.imageID = imageID
        self.contentType = contentType
        self.objectID = objectID
        self.fieldName = fieldName
        self.unregisteredOnly = unregisteredOnly
        self.search = search
        self.ordering = ordering
        self.descending = descending
        self.limit = limit
        self.offset = offset
    }
}

/// One page of usages and the number of matches.
public struct UsagePage: Sendable, Hashable {
    public var count: Int
    public var items: [ImageUsage]

    public init(count: Int, items: [ImageUsage]) {
        self.count = count
        self.items = items
    }
}
