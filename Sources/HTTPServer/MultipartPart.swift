import HTTPFields

/// One part of a `multipart/form-data` body: its headers, its form field name and file name, and its raw bytes.
public struct MultipartPart: Sendable {
    /// The part's own header fields (`Content-Disposition`, `Content-Type`, ...).
    public var headers: HTTPHeaders
    /// The `name` parameter of `Content-Disposition: form-data`, or nil when the part has none.
    public var name: String?
    /// The `filename` parameter (`filename*` wins when both are present), or nil for a plain field.
    public var filename: String?
    /// The part's bytes, exactly as sent (no transfer decoding).
    public var body: [UInt8]

    public init(headers: HTTPHeaders, name: String?, filename: String?, body: [UInt8]) {
        self.headers = headers
        self.name = name
        self.filename = filename
        self.body = body
    }

    /// The part's declared `Content-Type`, if any.
    public var contentType: String? { headers["Content-Type"] }

    /// The body as text (invalid UTF-8 repaired).
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// True when the part was sent as a file (it carries a `filename`).
    public var isFile: Bool { filename != nil }
}
