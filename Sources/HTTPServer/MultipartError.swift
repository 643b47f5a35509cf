/// Why a `multipart/form-data` body could not be parsed. Descriptions never quote body bytes.
public enum MultipartError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The request's `Content-Type` is not `multipart/form-data`.
    case notMultipart
    /// The `Content-Type` has no usable `boundary` parameter.
    case missingBoundary
    /// The boundary is longer than RFC 2046's 70 characters or contains forbidden characters.
    case invalidBoundary
    /// The body never contains the opening delimiter.
    case missingOpeningBoundary
    /// The body ends before the closing `--boundary--` delimiter.
    case missingClosingBoundary
    /// A part's header block is malformed (no blank line, a line without a colon, or too large).
    case malformedPartHeaders
    /// The body has more parts than the parser allows.
    case tooManyParts(limit: Int)

    public var description: String {
        switch self {
        case .notMultipart: return "Content-Type is not multipart/form-data"
        case .missingBoundary: return "multipart Content-Type has no boundary parameter"
        case .invalidBoundary: return "multipart boundary is invalid"
        case .missingOpeningBoundary: return "multipart body does not start with its boundary"
        case .missingClosingBoundary: return "multipart body has no closing boundary"
        case .malformedPartHeaders: return "multipart part headers are malformed"
        case .tooManyParts(let limit): return "multipart body has more than \(limit) parts"
        }
    }
}
