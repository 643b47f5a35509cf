import HTTPFields
import HTTPServer
import JSON

/// DRF's two pagination styles for the image list: `page`/`page_size` (the reference's `ImagePagination`: default
/// 20, at most 100) and `limit`/`offset` (LimitOffsetPagination, chosen when `limit` or `offset` is present and
/// `page` is not). `next`/`previous` are absolute URLs built from the request, every query parameter re-encoded
/// sorted by name, as DRF's `replace_query_param` does.
struct Pagination: Sendable {
    static let defaultPageSize = 20
    static let maxPageSize = 100
    /// The largest `offset` accepted (and the largest a page number may reach): far past any real count, small
    /// enough that `offset + limit` and `page * size` never overflow.
    static let maxOffset = Int(Int32.max)

    enum Mode: Sendable, Equatable {
        /// `page` may be `"last"`, resolved once the count is known.
        case page(number: PageNumber, size: Int)
        case limitOffset(limit: Int, offset: Int)
    }

    enum PageNumber: Sendable, Equatable {
        case number(Int)
        case last
    }

    let mode: Mode

    /// Reads the parameters; a bad page number answers 404 `Invalid page.` (DRF). A `page_size` or `limit` below 1,
    /// an `offset` below 0 or above ``maxOffset``, or any of them not an integer, answers 400 naming the parameter,
    /// whichever style is used (where DRF silently falls back to the default: openapi.yaml states the bounds, and
    /// the server applies them).
    init(_ query: QueryParameters) throws(ErrorResponse) {
        // Each size parameter given is checked, whichever style it ends up unused in.
        var errors = FieldErrors()
        let pageSize = Self.integer(query, "page_size", min: 1, errors: &errors)
        let limit = Self.integer(query, "limit", min: 1, errors: &errors)
        let offset = Self.integer(query, "offset", min: 0, max: Self.maxOffset, errors: &errors)
        try errors.check()
        let page = Self.last(query, "page")
        if page == nil, limit != nil || offset != nil {
            mode = .limitOffset(
                limit: limit.map { min($0, Self.maxPageSize) } ?? Self.defaultPageSize, offset: offset ?? 0)
            return
        }
        let size = pageSize.map { min($0, Self.maxPageSize) } ?? Self.defaultPageSize
        switch page {
        case nil: mode = .page(number: .number(1), size: size)
        case "last": mode = .page(number: .last, size: size)
        case let text?:
            // A page that starts past `maxOffset` cannot exist: DRF's 404, before any arithmetic can overflow.
            guard let number = Int(text), number >= 1, number <= Self.maxOffset / size + 1 else {
                throw Self.invalidPage
            }
            mode = .page(number: .number(number), size: size)
        }
    }

    static let invalidPage = ErrorResponse.detail(.notFound, "Invalid page.")

    var limit: Int {
        switch mode {
        case .page(_, let size): size
        case .limitOffset(let limit, _): limit
        }
    }

    /// The offset for a known page number (nil for `last`, which needs the count first).
    var offset: Int? {
        switch mode {
        case .page(.number(let n), let size): (n - 1) * size
        case .page(.last, _): nil
        case .limitOffset(_, let offset): offset
        }
    }

    /// The page number to serve given the total count; throws 404 when it is out of range.
    func resolvedPage(count: Int) throws(ErrorResponse) -> Int {
        guard case .page(let number, let size) = mode else { return 1 }
        let pages = max(1, (count + size - 1) / size)
        switch number {
        case .last: return pages
        case .number(let n):
            guard n <= pages else { throw Self.invalidPage }
            return n
        }
    }

    /// `(next, previous)` links.
    func links(_ request: Request, count: Int, page: Int) -> (next: String?, previous: String?) {
        switch mode {
        case .page(_, let size):
            let pages = max(1, (count + size - 1) / size)
            let next = page < pages ? Self.url(request, replacing: ["page": String(page + 1)]) : nil
            let previous: String?
            if page <= 1 {
                previous = nil
            } else if page == 2 {
                previous = Self.url(request, replacing: ["page": nil])
            } else {
                previous = Self.url(request, replacing: ["page": String(page - 1)])
            }
            return (next, previous)
        case .limitOffset(let limit, let offset):
            let next =
                offset + limit < count
                ? Self.url(request, replacing: ["limit": String(limit), "offset": String(offset + limit)]) : nil
            let previous: String?
            if offset <= 0 {
                previous = nil
            } else if offset - limit <= 0 {
                previous = Self.url(request, replacing: ["limit": String(limit), "offset": nil])
            } else {
                previous = Self.url(request, replacing: ["limit": String(limit), "offset": String(offset - limit)])
            }
            return (next, previous)
        }
    }

    /// `scheme://host/path?query` with `replacing` applied (nil removes), names sorted, values `quote_plus`-encoded.
    static func url(_ request: Request, replacing: [String: String?]) -> String {
        var values: [String: [String]] = [:]
        for (name, value) in request.query { values[name, default: []].append(value) }
        for (name, value) in replacing {
            if let value { values[name] = [value] } else { values[name] = nil }
        }
        let query = values.keys.sorted().flatMap { name in
            values[name]!.map { quotePlus(name) + "=" + quotePlus($0) }
        }.joined(separator: "&")
        let proto = request.headers["X-Forwarded-Proto"].map { $0.lowercased() == "https" ? "https" : "http" } ?? "http"
        let host = request.headers["Host"] ?? "localhost"
        return "\(proto)://\(host)\(request.rawPath)" + (query.isEmpty ? "" : "?" + query)
    }

    /// Python's `urllib.parse.quote_plus`.
    static func quotePlus(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "):
                out.append("+")
            default:
                out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out
    }

    private static func last(_ query: QueryParameters, _ name: String) -> String? {
        query.all(name).last
    }

    /// The parameter's last value as an integer within bounds (nil when absent); a bad value is recorded in `errors`.
    private static func integer(
        _ query: QueryParameters, _ name: String, min: Int, max: Int? = nil, errors: inout FieldErrors
    ) -> Int? {
        guard let text = last(query, name) else { return nil }
        // Only an optionally signed run of digits is an integer here (as Python's `int()` reads query text); digits
        // past Int's range are a (very) large integer: capped like any size above 100, or over `max`.
        let sign = text.hasPrefix("+") || text.hasPrefix("-") ? 1 : 0
        let digits = text.dropFirst(sign)
        guard !digits.isEmpty, digits.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            errors.add(name, "A valid integer is required.")
            return nil
        }
        let huge = Int(text) == nil
        let value: JSONValue = huge ? .int(text.hasPrefix("-") ? Int64.min : Int64.max) : .string(text)
        return Fields.integer(value, name, min: min, max: max, errors: &errors) ?? nil
    }
}
