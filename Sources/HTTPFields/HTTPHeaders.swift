/// An ordered list of HTTP header fields; lookups compare names case-insensitively (ASCII). One type for the
/// server's requests and responses and the client's.
///
/// `description` redacts credentials (`Authorization`, `Proxy-Authorization`, `Cookie`, `Set-Cookie`), so headers
/// can be logged safely.
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    public private(set) var fields: [(name: String, value: String)]

    public init() { fields = [] }

    public init(_ fields: [(name: String, value: String)]) { self.fields = fields }

    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { (name: $0.0, value: $0.1) }
    }

    /// The first value for `name`, or nil. Setting replaces every field of that name (nil removes them).
    public subscript(name: String) -> String? {
        get { fields.first { $0.name.equalsIgnoringASCIICase(name) }?.value }
        set {
            remove(name)
            if let newValue { fields.append((name: name, value: newValue)) }
        }
    }

    /// Every value for `name`, in order.
    public func values(for name: String) -> [String] {
        fields.filter { $0.name.equalsIgnoringASCIICase(name) }.map(\.value)
    }

    public func contains(_ name: String) -> Bool {
        fields.contains { $0.name.equalsIgnoringASCIICase(name) }
    }

    /// Room for `count` fields without growing (a parser knows roughly how many are coming).
    public mutating func reserveCapacity(_ count: Int) { fields.reserveCapacity(count) }

    public mutating func add(_ name: String, _ value: String) {
        fields.append((name: name, value: value))
    }

    public mutating func remove(_ name: String) {
        fields.removeAll { $0.name.equalsIgnoringASCIICase(name) }
    }

    public var count: Int { fields.count }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        fields.makeIterator()
    }

    public var description: String {
        let rendered = fields.map { field in
            let secret = Self.sensitiveNames.contains { $0.equalsIgnoringASCIICase(field.name) }
            return "\(field.name): \(secret ? "<redacted>" : field.value)"
        }
        return "[" + rendered.joined(separator: ", ") + "]"
    }

    static let sensitiveNames = ["Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie"]
}

extension String {
    /// ASCII case-insensitive comparison, as header names and tokens need.
    public func equalsIgnoringASCIICase(_ other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        var a = self
        var b = other
        return a.withUTF8 { a in b.withUTF8 { b in a.equalsIgnoringASCIICase(b) } }
    }
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// ASCII case-insensitive comparison of two byte strings.
    public func equalsIgnoringASCIICase(_ other: UnsafeBufferPointer<UInt8>) -> Bool {
        guard count == other.count else { return false }
        for index in 0..<count where self[index] != other[index] {
            let x = self[index]
            let y = other[index]
            let lx = (x >= 65 && x <= 90) ? x + 32 : x
            let ly = (y >= 65 && y <= 90) ? y + 32 : y
            if lx != ly { return false }
        }
        return true
    }
}
