import Foundation

/// A URL of the host app that receives signed event deliveries.
public struct EventEndpoint: Sendable, Hashable {
    /// "ep_" and 24 hex characters.
    public var id: String
    public var url: String
    public var description: String
    /// The types delivered; empty means every type.
    public var events: [ImageEventType]
    public var enabled: Bool
    /// Signs deliveries. Shown once, when created or rotated.
    public var secret: String
    /// The secret before the last rotation, still signing beside `secret` until `previousSecretExpiresAt`.
    public var previousSecret: String?
    public var previousSecretExpiresAt: Date?
    /// When the endpoint started failing (the first failed attempt since its last success).
    public var failingSince: Date?
    /// Why the delivery worker disabled it (nil when enabled or disabled by an administrator).
    public var disabledReason: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, url: String, description: String, events: [ImageEventType], enabled: Bool = true, secret: String,
        previousSecret: String? = nil, previousSecretExpiresAt: Date? = nil, failingSince: Date? = nil,
        disabledReason: String? = nil, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.url = url
        self.description = description
        self.events = events
        self.enabled = enabled
        self.secret = secret
        self.previousSecret = previousSecret
        self.previousSecretExpiresAt = previousSecretExpiresAt
        self.failingSince = failingSince
        self.disabledReason = disabledReason
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The secrets that sign a delivery made at `date`: the current one, then the previous one during its grace.
    public func signingSecrets(at date: Date) -> [String] {
        guard let previousSecret, let until = previousSecretExpiresAt, date < until else { return [secret] }
        return [secret, previousSecret]
    }

    /// Whether an event of `type` is delivered here.
    public func takes(_ type: ImageEventType) -> Bool { events.isEmpty || events.contains(type) }
}
