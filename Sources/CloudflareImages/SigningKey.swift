/// A URL signing key from `GET images/v1/keys`. `value` is a secret: `description` never shows it.
public struct SigningKey: Sendable, Equatable, Codable, CustomStringConvertible, CustomDebugStringConvertible {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    public var description: String { "SigningKey(name: \(name), value: <redacted>)" }
    public var debugDescription: String { description }
}
