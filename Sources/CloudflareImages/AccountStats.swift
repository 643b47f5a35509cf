/// Storage usage from `GET images/v1/stats`: images stored versus the account's allowance. Both counts are optional
/// in Cloudflare's schema (and `count` itself may be absent): nil when not reported, never an invented zero.
public struct AccountStats: Sendable, Equatable, Codable {
    public var allowed: Int?
    public var current: Int?

    public init(allowed: Int?, current: Int?) {
        self.allowed = allowed
        self.current = current
    }

    private struct Count: Codable {
        var allowed: Int?
        var current: Int?
    }

    enum CodingKeys: String, CodingKey { case count }

    public init(from decoder: any Decoder) throws {
        let count = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(Count.self, forKey: .count)
        allowed = count?.allowed
        current = count?.current
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Count(allowed: allowed, current: current), forKey: .count)
    }
}
