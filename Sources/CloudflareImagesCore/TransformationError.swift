/// A transformation option, width list or option string that Cloudflare would reject (or that we refuse to emit).
///
/// Each case names the option and the accepted values so an API can hand the message straight to its caller.
public enum TransformationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A number outside the option's range, e.g. `quality` `0` with range `1...100`.
    case outOfRange(option: String, value: String, range: String)
    /// A value of the wrong shape, e.g. `fit=stretch` (expected: one of scale-down, contain, cover, crop, pad).
    case invalidValue(option: String, value: String, expected: String)
    /// An option name we do not know.
    case unknownOption(String)
    /// The same option given twice (also through an alias such as `w` and `width`).
    case duplicateOption(String)
    /// A piece of an option string that is not `name=value`.
    case malformedOption(String)
    /// A responsive-image request without any width.
    case noWidths

    public var description: String {
        switch self {
        case let .outOfRange(option, value, range):
            "\(option) must be in \(range), got \(value)"
        case let .invalidValue(option, value, expected):
            "invalid \(option) '\(value)': expected \(expected)"
        case let .unknownOption(name):
            "unknown transformation option '\(name)'"
        case let .duplicateOption(name):
            "transformation option '\(name)' is given more than once"
        case let .malformedOption(text):
            "malformed transformation option '\(text)': expected name=value"
        case .noWidths:
            "at least one width is required"
        }
    }
}
