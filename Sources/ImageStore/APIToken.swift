import Foundation

/// A stored API token, without its key (only a hash of the key is stored).
public struct APIToken: Sendable, Hashable, Codable {
    public var id: UUID
    public var userName: String
    public var isAdmin: Bool
    public var label: String
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var revokedAt: Date?

    public init(
        id: UUID, userName: String, isAdmin: Bool, label: String, createdAt: Date,
        lastUsedAt: Date? = nil, revokedAt: Date? = nil
    ) {
        self.id = id
        self.userName = userName
        self.isAdmin = isAdmin
        self.label = label
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
    }

    public var isRevoked: Bool { revokedAt != nil }
}

/// A newly created token and its plaintext key, which is shown once and never stored.
public struct IssuedToken: Sendable, Hashable {
    public var token: APIToken
    public var key: String

    public init(token: APIToken, key: String) {
        self.token = token
        self.key = key
    }
}

/// Who a valid key belongs to.
public struct AuthenticatedUser: Sendable, Hashable {
    public var tokenID: UUID
    public var userName: String
    public var isAdmin: Bool

    public init(tokenID: UUID, userName: String, isAdmin: Bool) {
        self.tokenID = tokenID
        self.userName = userName
        self.isAdmin = isAdmin
    }
}
