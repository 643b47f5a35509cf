import Foundation

/// A token from `GET images/v1/batch_token` for the batch API host. `token` is a secret: `description` hides it.
public struct BatchToken: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, Decodable {
    public var token: String
    public var expiresAt: Date?

    public init(token: String, expiresAt: Date?) {
        self.token = token
        self.expiresAt = expiresAt
    }

    enum CodingKeys: String, CodingKey { case token, expiresAt }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        token = try container.decode(String.self, forKey: .token)
        expiresAt = try container.decodeIfPresent(String.self, forKey: .expiresAt).flatMap(RFC3339.parse)
    }

    public var description: String {
        "BatchToken(token: <redacted>, expiresAt: \(expiresAt.map(RFC3339.format) ?? "nil"))"
    }
    public var debugDescription: String { description }
}
