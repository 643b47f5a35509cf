/// The decoded `name=value` pairs of a query string, in order. `+` is a space; percent escapes are decoded once.
public struct QueryParameters: Sendable, Sequence {
    public let pairs: [(name: String, value: String)]

    public init(_ pairs: [(name: String, value: String)] = []) { self.pairs = pairs }

    /// Parses a raw query string (the part after `?`, without it).
    public init(parsing query: Substring) {
        var result: [(name: String, value: String)] = []
        // Split on bytes: `&` and `=` are ASCII, and Character-wise splitting walks grapheme clusters.
        for bytes in query.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let part = Substring(bytes)
            let (rawName, rawValue): (Substring, Substring)
            if let eq = part.utf8.firstIndex(of: UInt8(ascii: "=")) {
                rawName = part[..<eq]
                rawValue = part[part.utf8.index(after: eq)...]
            } else {
                rawName = part
                rawValue = ""
            }
            result.append(
                (
                    name: PercentDecoding.decode(rawName, plusAsSpace: true),
                    value: PercentDecoding.decode(rawValue, plusAsSpace: true)
                ))
        }
        pairs = result
    }

    /// The first value for `name`.
    public subscript(name: String) -> String? { pairs.first { $0.name == name }?.value }

    /// Every value for `name`, in order.
    public func all(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }

    public var isEmpty: Bool { pairs.isEmpty }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { pairs.makeIterator() }
}
