/// One reference a client reports: `fieldName` of object `objectID` of `contentType` holds `cloudflareID`.
public struct UsageReference: Sendable, Hashable {
    public var contentType: String
    public var objectID: String
    public var fieldName: String
    public var cloudflareID: String
    public var source: ImageUsage.Source

    public init(
        contentType: String, objectID: String, fieldName: String, cloudflareID: String, source: ImageUsage.Source
    ) {
        self.contentType = contentType
        self.objectID = objectID
        self.fieldName = fieldName
        self.cloudflareID = cloudflareID
        self.source = source
    }
}

/// What recording a batch of references did, each reference counted once.
public struct UsageWriteSummary: Sendable, Hashable {
    /// New rows.
    public var created = 0
    /// Rows that now point at another image or changed source.
    public var changed = 0
    /// Rows that already said the same (touched, so a prune of the same run keeps them).
    public var unchanged = 0
    /// `auto` references left alone because a `manual` row holds that field (manual rows win, as in the reference).
    public var keptManual = 0
    /// The rows as stored after the write, in the order of the references (kept manual rows included).
    public var usages: [ImageUsage] = []

    public init() {}
}
