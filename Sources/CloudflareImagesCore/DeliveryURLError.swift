/// A delivery URL that cannot be built from the given parts.
public enum DeliveryURLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The account hash is empty or holds characters other than letters, digits, `-` and `_`.
    case invalidAccountHash(String)
    /// The image id is empty, has an empty, `.` or `..` segment, or holds control characters.
    case invalidImageID(String)
    /// The variant is empty, holds `/`, `.`/`..`, or control characters.
    case invalidVariant(String)
    /// The delivery domain is not a bare host or an `http(s)://host[:port]` URL.
    case invalidDomain(String)

    public var description: String {
        switch self {
        case let .invalidAccountHash(hash):
            "invalid account hash '\(hash)': expected letters, digits, '-' or '_'"
        case let .invalidImageID(id):
            "invalid image id '\(id)': expected non-empty '/'-separated segments without '.', '..' or control characters"
        case let .invalidVariant(variant):
            "invalid variant '\(variant)': expected a variant name or options without '/'"
        case let .invalidDomain(domain):
            "invalid delivery domain '\(domain)': expected a host such as images.example.com or https://images.example.com"
        }
    }
}
