/// The values a route's pattern captured from the path (`:id`, `*rest`), looked up by name.
///
/// The names are the route's own array, shared by every request it matches; only the values are new. A route has
/// a parameter or two, so a linear lookup beats hashing, and a request does not build a dictionary.
public struct PathParameters: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    private var names: [String]
    private var values: [String]

    public init() {
        names = []
        values = []
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        names = elements.map(\.0)
        values = elements.map(\.1)
    }

    init(names: [String], values: [String]) {
        self.names = names
        self.values = values
    }

    /// The value captured under `name`, or nil when the route has no such parameter.
    public subscript(name: String) -> String? {
        names.firstIndex(of: name).map { values[$0] }
    }

    public var isEmpty: Bool { names.isEmpty }

    /// Equal when they hold the same name-value pairs, in any order (as a dictionary would).
    public static func == (lhs: PathParameters, rhs: PathParameters) -> Bool {
        lhs.names.count == rhs.names.count && zip(lhs.names, lhs.values).allSatisfy { rhs[$0.0] == $0.1 }
    }
}
