import Foundation

/// A signed-in console session, as stored (the session id itself is only ever held by the browser).
public struct ConsoleSession: Sendable, Hashable {
    public var tokenID: UUID
    public var userName: String
    public var isAdmin: Bool
    public var csrfToken: String
    public var createdAt: Date
    public var lastSeenAt: Date

    public init(tokenID: UUID, userName: String, isAdmin: Bool, csrfToken: String, createdAt: Date, lastSeenAt: Date) {
        self.tokenID = tokenID
        self.userName = userName
        self.isAdmin = isAdmin
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
    }
}
