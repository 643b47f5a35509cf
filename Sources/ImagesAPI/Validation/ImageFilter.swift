import Foundation
import HTTPServer
import ImageStore
import JSON

/// The image query parameters of every `api/images/...` route (contract §2.1), validated.
///
/// Unlike the reference (which silently drops every filter when one value is invalid), an invalid value answers
/// 400 naming it: `{"status": ["\"bogus\" is not a valid choice."]}`. An empty value means the filter is absent;
/// when a parameter repeats, the last value wins.
struct ImageFilter: Sendable {
    var status: ImageStatus?
    var uploadedAfter: Date?
    var uploadedBefore: Date?
    var createdAfter: Date?
    var createdBefore: Date?
    var expiresAfter: Date?
    var expiresBefore: Date?
    /// `owner=`: one user's images (for administrators; a user naming another user gets none).
    var owner: String?
    var hasVariants: Bool?
    var requireSignedURLs: Bool?
    var filename: String?
    var creator: String?
    /// `orphaned=true`: only images no usage points at. As in the reference, a false value filters nothing.
    var orphaned: Bool?
    var metadata: [MetadataFilter] = []
    /// Search terms (split on whitespace and commas), each matched case-insensitively.
    var searchTerms: [String] = []
    var ordering: ImageOrdering = .default

    /// JSON-field lookup operators the reference refuses as the last `metadata__` segment.
    static let reservedLookups: Set<String> = [
        "exact", "iexact", "contains", "icontains", "in", "gt", "gte", "lt", "lte", "startswith", "istartswith",
        "endswith", "iendswith", "range", "isnull", "regex", "iregex", "has_key", "has_keys", "has_any_keys",
        "contained_by",
    ]

    /// Caps on one request's filters, each a 400 naming the parameter above it (SQLite's own limits, such as the
    /// 50,000-byte LIKE pattern or the number of bound variables, are never reached).
    static let maxSearchTerms = 32
    static let maxSearchLength = 1_000
    static let maxMetadataFilters = 20
    static let maxMetadataDepth = 8
    static let maxValueLength = 1_024

    static let dateTimeMessage =
        "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."

    /// Whether any parameter narrows the set (detail routes then check the record against it).
    var narrows: Bool {
        status != nil || uploadedAfter != nil || uploadedBefore != nil || hasVariants != nil || owner != nil
            || createdAfter != nil || createdBefore != nil || expiresAfter != nil || expiresBefore != nil
            || requireSignedURLs != nil || filename != nil || creator != nil || orphaned != nil || !metadata.isEmpty
            || !searchTerms.isEmpty
    }

    init() {}

    init(_ query: QueryParameters) throws(ErrorResponse) {
        var last: [String: String] = [:]
        var order: [String] = []
        for (name, value) in query {
            if last[name] == nil { order.append(name) }
            last[name] = value
        }
        func value(_ name: String) -> String? {
            guard let v = last[name], !v.isEmpty else { return nil }
            return v
        }
        var errors = FieldErrors()
        if let raw = value("status") {
            if let status = ImageStatus(rawValue: raw) {
                self.status = status
            } else {
                errors.add("status", "\"\(raw)\" is not a valid choice.")
            }
        }
        let dateFilters: [(String, WritableKeyPath<ImageFilter, Date?>)] = [
            ("uploaded_after", \.uploadedAfter), ("uploaded_before", \.uploadedBefore),
            ("created_after", \.createdAfter),
            ("created_before", \.createdBefore), ("expires_after", \.expiresAfter), ("expires_before", \.expiresBefore),
        ]
        for (name, keyPath) in dateFilters {
            if let raw = value(name) {
                if let date = Timestamp.parse(raw) {
                    self[keyPath: keyPath] = date
                } else {
                    errors.add(name, Self.dateTimeMessage)
                }
            }
        }
        for (name, keyPath) in [
            ("has_variants", \ImageFilter.hasVariants), ("require_signed_urls", \.requireSignedURLs),
        ] {
            if let raw = value(name) {
                if let flag = Fields.booleanText(raw) {
                    self[keyPath: keyPath] = flag
                } else {
                    errors.add(name, "Must be a valid boolean.")
                }
            }
        }
        if let raw = value("orphaned") {
            if let flag = Fields.booleanText(raw) {
                orphaned = flag ? true : nil
            } else {
                errors.add("orphaned", "Must be a valid boolean.")
            }
        }
        for (name, keyPath) in [("filename", \ImageFilter.filename), ("creator", \.creator), ("owner", \.owner)] {
            if let raw = value(name) {
                self[keyPath: keyPath] = Fields.string(
                    .string(raw), name, maxLength: Self.maxValueLength, errors: &errors)
            }
        }
        if let raw = value("ordering") {
            let fields = raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                !$0.isEmpty
            }
            let parsed = fields.map { ImageOrdering(parameter: $0) }
            if let bad = zip(fields, parsed).first(where: { $0.1 == nil }) {
                errors.add("ordering", "\"\(bad.0)\" is not a valid choice.")
            } else if let first = parsed.first, let ordering = first {
                self.ordering = ordering
            }
        }
        try errors.check()

        let metadataNames = order.filter { $0.hasPrefix("metadata__") }
        if metadataNames.count > Self.maxMetadataFilters {
            throw FieldErrors.field(
                "metadata", "Ensure there are no more than \(Self.maxMetadataFilters) metadata filters.")
        }
        for name in metadataNames {
            let key = String(name.dropFirst("metadata__".count))
            let path = key.components(separatedBy: "__")
            if let lastSegment = path.last, Self.reservedLookups.contains(lastSegment) {
                throw ErrorResponse.bare(name, "Unsupported metadata lookup operator.")
            }
            guard path.count <= Self.maxMetadataDepth, path.allSatisfy({ !$0.isEmpty && !$0.contains("\"") }) else {
                throw ErrorResponse.bare(name, "Unsupported metadata lookup.")
            }
            let value = last[name] ?? ""
            guard value.count <= Self.maxValueLength else {
                throw FieldErrors.field(name, "Ensure this value has no more than \(Self.maxValueLength) characters.")
            }
            metadata.append(MetadataFilter(path: path, value: value))
        }
        if let search = last["search"] {
            if search.utf8.contains(0) {
                var writer = JSONWriter()
                writer.beginArray()
                writer.string("Null characters are not allowed.")
                writer.endArray()
                throw ErrorResponse(.badRequest, body: writer.bytes)
            }
            guard search.count <= Self.maxSearchLength else {
                throw FieldErrors.field(
                    "search", "Ensure this value has no more than \(Self.maxSearchLength) characters.")
            }
            searchTerms = search.split { $0.isWhitespace || $0 == "," }.map(String.init)
            guard searchTerms.count <= Self.maxSearchTerms else {
                throw FieldErrors.field("search", "Ensure there are no more than \(Self.maxSearchTerms) search terms.")
            }
        }
    }

    /// The repository query for one owner scope and page.
    func query(owner: String?, limit: Int?, offset: Int) -> ImageQuery {
        var query = ImageQuery(
            owner: owner, status: status, uploadedAfter: uploadedAfter, uploadedBefore: uploadedBefore,
            hasVariants: hasVariants, requireSignedURLs: requireSignedURLs, filename: filename, creator: creator,
            orphaned: orphaned, metadata: metadata,
            search: searchTerms.isEmpty ? nil : searchTerms.joined(separator: " "),
            ordering: ordering, limit: limit, offset: offset
        )
        query.ownerFilter = self.owner
        query.createdAfter = createdAfter
        query.createdBefore = createdBefore
        query.expiresAfter = expiresAfter
        query.expiresBefore = expiresBefore
        return query
    }
}
