import Foundation

/// Filters, ordering and paging for listing images; the query parameters of the reference image list.
public struct ImageQuery: Sendable, Hashable {
    /// Only this owner's images; nil means every owner (administrators).
    public var owner: String?
    public var status: ImageStatus?
    /// `uploaded_at >= uploadedAfter`.
    public var uploadedAfter: Date?
    /// `uploaded_at <= uploadedBefore`.
    public var uploadedBefore: Date?
    /// true: at least one variant; false: none.
    public var hasVariants: Bool?
    public var requireSignedURLs: Bool?
    /// Case-insensitive substring of `filename` or `original_filename` (ASCII case folding, as SQLite's LIKE).
    public var filename: String?
    /// Exact creator.
    public var creator: String?
    /// true: no usage points at the image; false: at least one does.
    public var orphaned: Bool?
    /// `metadata__a__b=value` filters, all of which must match.
    public var metadata: [MetadataFilter]
    /// Whitespace-separated terms; each must be a case-insensitive substring of one of `cloudflare_id`, `filename`,
    /// `original_filename` or `creator` (the reference's `search_fields`).
    public var search: String?
    public var ordering: ImageOrdering
    /// Page size; nil returns every match.
    public var limit: Int?
    public var offset: Int
    /// False: the total is not counted (a `count(*)` over every match when filters other than owner, status and
    /// orphaned apply); the page's `count` is then `offset` plus the rows found, one more than `limit` asked for
    /// when there are more (see ``ImagePage/hasMore``).
    public var countTotal = true
    /// Keyset paging: the rows that follow this image in the ordering (within the filters and owner), `offset`
    /// ignored; a page reads only its own rows however deep it is. An image that is gone or out of scope gives an
    /// empty page.
    public var after: UUID?
    /// Only this owner's images, on top of `owner` (an administrator's `owner=` filter; for a user whose scope is
    /// another owner, nothing matches).
    public var ownerFilter: String?
    /// `created_at >= createdAfter`, `created_at <= createdBefore`, and the same for `expires_at`.
    public var createdAfter: Date?
    public var createdBefore: Date?
    public var expiresAfter: Date?
    public var expiresBefore: Date?

    public init(
        owner: String? = nil,
        status: ImageStatus? = nil,
        uploadedAfter: Date? = nil,
        uploadedBefore: Date? = nil,
        hasVariants: Bool? = nil,
        requireSignedURLs: Bool? = nil,
        filename: String? = nil,
        creator: String? = nil,
        orphaned: Bool? = nil,
        metadata: [MetadataFilter] = [],
        search: String? = nil,
        ordering: ImageOrdering = .default,
        limit: Int? = 20,
        offset: Int = 0
    ) {
        self.owner = owner
        self.status = status
        self.uploadedAfter = uploadedAfter
        self.uploadedBefore = uploadedBefore
        self.hasVariants = hasVariants
        self.requireSignedURLs = requireSignedURLs
        self.filename = filename
        self.creator = creator
        self.orphaned = orphaned
        self.metadata = metadata
        self.search = search
        self.ordering = ordering
        self.limit = limit
        self.offset = offset
    }
}

/// One metadata filter: the JSON value at `path` inside `metadata`, compared as text with `value`.
/// JSON `true`/`false` compare as `"true"`/`"false"`, numbers as their JSON text.
public struct MetadataFilter: Sendable, Hashable {
    /// Object keys from the top level down (`metadata__a__b` → `["a", "b"]`). Keys may not contain `"`.
    public var path: [String]
    public var value: String

    public init(path: [String], value: String) {
        self.path = path
        self.value = value
    }

    /// `metadata__a__b=v` style: the key after `metadata__`, split on `__`.
    public init(key: String, value: String) {
        self.init(path: key.components(separatedBy: "__"), value: value)
    }
}

/// Sort order for listing: one whitelisted field, ascending or descending; ties broken by insertion order.
public struct ImageOrdering: Sendable, Hashable {
    public enum Field: String, Sendable, CaseIterable {
        case createdAt = "created_at"
        case uploadedAt = "uploaded_at"
        case expiresAt = "expires_at"
        case fileSize = "file_size"
    }

    public var field: Field
    public var descending: Bool

    public init(_ field: Field, descending: Bool) {
        self.field = field
        self.descending = descending
    }

    /// Newest first.
    public static let `default` = ImageOrdering(.createdAt, descending: true)

    /// Parses the reference's `ordering` parameter (`created_at`, `-file_size`, ...); nil for anything else.
    public init?(parameter: String) {
        let descending = parameter.hasPrefix("-")
        guard let field = Field(rawValue: descending ? String(parameter.dropFirst()) : parameter) else { return nil }
        self.init(field, descending: descending)
    }

    /// The parameter form, e.g. `-created_at`.
    public var parameter: String { (descending ? "-" : "") + field.rawValue }
}
