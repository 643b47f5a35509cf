/// A parsed HTTP request, as handed to a handler. The body is complete (de-chunked) when the handler runs.
public struct Request: Sendable {
    public var method: HTTPMethod
    /// The request target exactly as received (origin-form or absolute-form).
    public var target: String
    /// The path, percent-decoded once; for absolute-form targets, only the path part.
    public var path: String
    /// The raw, still-encoded path; routers match on the decoded `path`.
    public var rawPath: String
    public var query: QueryParameters
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// `(1, 1)` or `(1, 0)`.
    public var version: (major: Int, minor: Int)
    /// The peer's address as `ip:port`, when known.
    public var remoteAddress: String?
    /// Named parameters captured by the router (`:id`, `*rest`).
    public var pathParameters: [String: String]
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
        self.pathParameters = [:]
        // Searched as UTF-8 bytes: `Substring.firstIndex(of: Character)` walks grapheme clusters, a few percent
        // of a small request's CPU.
        var pathPart = Substring(target)
        if target.utf8.first != UInt8(ascii: "/"), let afterScheme = Self.afterSchemeSeparator(pathPart) {
            pathPart = afterScheme.utf8.firstIndex(of: UInt8(ascii: "/")).map { afterScheme[$0...] } ?? "/"
        }
        let queryPart: Substring
        if let q = pathPart.utf8.firstIndex(of: UInt8(ascii: "?")) {
            queryPart = pathPart[pathPart.utf8.index(after: q)...]
            pathPart = pathPart[..<q]
        } else {
            queryPart = ""
        }
        if let hash = pathPart.utf8.firstIndex(of: UInt8(ascii: "#")) { pathPart = pathPart[..<hash] }
        self.rawPath = String(pathPart)
        self.path = PercentDecoding.decode(pathPart)
        self.query = QueryParameters(parsing: queryPart)
    }

    /// What follows the first `://` (absolute-form targets), found in the UTF-8 bytes: Foundation's
    /// `range(of:)` cost a few percent of a small request's CPU.
    static func afterSchemeSeparator(_ text: Substring) -> Substring? {
        let utf8 = text.utf8
        var index = utf8.startIndex
        while let colon = utf8[index...].firstIndex(of: UInt8(ascii: ":")) {
            let slashes = utf8[utf8.index(after: colon)...].prefix(2)
            if slashes.elementsEqual("//".utf8) { return Substring(utf8[slashes.endIndex...]) }
            index = utf8.index(after: colon)
        }
        return nil
    }

    /// The body as text (invalid UTF-8 repaired).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
