import HTTPFields

/// A parsed HTTP request, as handed to a handler. The body is complete (de-chunked) when the handler runs.
public struct Request: Sendable {
    public var method: HTTPMethod
    /// The request target exactly as received (origin-form or absolute-form).
    public var target: String
    /// The path, percent-decoded once; for absolute-form targets, only the path part.
    public var path: String
    /// The raw, still-encoded path. Routers match their prefixes and literal segments against it (so `/%61pi`
    /// is not `/api`), and percent-decode only the parameters they capture.
    public var rawPath: String
    public var query: QueryParameters
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// `(1, 1)` or `(1, 0)`.
    public var version: (major: Int, minor: Int)
    /// The peer's address as `ip:port`, when known.
    public var remoteAddress: String?
    /// Named parameters captured by the router (`:id`, `*rest`).
    public var pathParameters: PathParameters
    /// From `X-Request-ID` when the client sent a sane one, otherwise generated; echoed on the response.
    public var requestID: String

    public init(
        method: HTTPMethod,
        target: String,
        headers: HTTPHeaders = HTTPHeaders(),
        body: [UInt8] = [],
        version: (major: Int, minor: Int) = (1, 1),
        remoteAddress: String? = nil,
        requestID: String = ""
    ) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
        self.version = version
        self.remoteAddress = remoteAddress
        self.requestID = requestID
        self.pathParameters = PathParameters()
        let parts = Self.split(target)
        let utf8 = target.utf8
        let rawPath = Self.rawPath(target, parts.path)
        self.rawPath = rawPath
        self.path = parts.hasPercent ? PercentDecoding.decode(rawPath) : rawPath
        self.query =
            parts.query.isEmpty
            ? QueryParameters() : QueryParameters(parsing: Substring(utf8[Self.range(parts.query, in: utf8)]))
    }

    /// Byte offsets of the path (nil: `/`) and the query in a target, found in one pass over contiguous UTF-8
    /// (Character-wise or index-wise scans cost a few percent of a small request's CPU). The path of an
    /// absolute-form target starts at the first `/` after the first `://`; the query is everything after the first
    /// `?`; the path also ends at a `#`.
    static func split(_ target: String) -> (path: Range<Int>?, query: Range<Int>, hasPercent: Bool) {
        var target = target
        return target.withUTF8 { bytes in
            var start = 0
            if bytes.first != UInt8(ascii: "/") {
                var index = 0
                while index + 2 < bytes.count {
                    if bytes[index] == UInt8(ascii: ":"), bytes[index + 1] == UInt8(ascii: "/"),
                        bytes[index + 2] == UInt8(ascii: "/")
                    {
                        guard let slash = bytes[(index + 3)...].firstIndex(of: UInt8(ascii: "/")) else {
                            return (nil, 0..<0, false)
                        }
                        start = slash
                        break
                    }
                    index += 1
                }
            }
            var index = start
            var fragment: Int?
            var hasPercent = false
            while index < bytes.count, bytes[index] != UInt8(ascii: "?") {
                if fragment == nil {
                    if bytes[index] == UInt8(ascii: "#") { fragment = index }
                    if bytes[index] == UInt8(ascii: "%") { hasPercent = true }
                }
                index += 1
            }
            let query = index < bytes.count ? (index + 1)..<bytes.count : bytes.count..<bytes.count
            return (start..<(fragment ?? index), query, hasPercent)
        }
    }

    /// The raw path of a target, as `rawPath` of the request it makes.
    static func rawPath(of target: String) -> String { rawPath(target, split(target).path) }

    private static func rawPath(_ target: String, _ path: Range<Int>?) -> String {
        let utf8 = target.utf8
        switch path {
        case nil: return "/"
        // The usual origin-form target without query or fragment is its own path: share its storage.
        case let path? where path == 0..<utf8.count: return target
        case let path?: return String(Substring(utf8[range(path, in: utf8)]))
        }
    }

    private static func range(_ offsets: Range<Int>, in utf8: String.UTF8View) -> Range<String.Index> {
        utf8.index(
            utf8.startIndex, offsetBy: offsets.lowerBound)..<utf8.index(utf8.startIndex, offsetBy: offsets.upperBound)
    }

    /// The body as text (invalid UTF-8 repaired).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
