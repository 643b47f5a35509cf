import Foundation
import JSON
import Synchronization

/// Trouble the emulator adds to its API calls, for tests and benchmarks: a delay, random failures, responses lost
/// after the request was applied, and Cloudflare's rate limits.
///
/// The rate limits follow Cloudflare's API limits page: a quota of `rateLimitRequests` per fixed window of
/// `rateLimitWindowSeconds` (Cloudflare: 1,200 per 5 minutes per user), going over blocks every call for
/// `blockSeconds` (Cloudflare: 5 minutes) with 429 and `Retry-After`; and at most `perSecondLimit` calls per second
/// from one client address (Cloudflare: 200). While a quota is set, every API answer carries `Ratelimit` and
/// `Ratelimit-Policy`. Tests shrink the windows, or move the emulator's clock, to scale time.
public struct FaultSettings: Sendable, Equatable, Codable {
    /// Added to every API call before it is answered, in milliseconds.
    public var latencyMilliseconds: Int
    /// The share of API calls, 0...1, that fail with `failureStatus` instead of being served.
    public var failureRate: Double
    /// 500, 503 or 429.
    public var failureStatus: Int
    /// The `Retry-After` seconds sent with a 429.
    public var retryAfterSeconds: Int
    /// The share of API calls, 0...1, that are applied (the image is created, changed or deleted) and then answered
    /// with `failureStatus` as if the response had been lost on the way: what a client's retry must survive.
    public var applyThenFailRate: Double
    /// Calls allowed per window; 0 applies no quota.
    public var rateLimitRequests: Int
    public var rateLimitWindowSeconds: Double
    /// How long every call is refused once the quota is exceeded.
    public var blockSeconds: Double
    /// Calls allowed per second from one client address; 0 applies no cap.
    public var perSecondLimit: Int
    /// `PATCH v1/{id}` that changes `requireSignedURLs` gives the image a new id, as Cloudflare's API reference
    /// allows ("Returns a new UID on a change"): a client must read the id from the answer.
    public var renewsIDOnSigningChange: Bool

    public init(
        latencyMilliseconds: Int = 0, failureRate: Double = 0, failureStatus: Int = 503, retryAfterSeconds: Int = 1,
        applyThenFailRate: Double = 0, rateLimitRequests: Int = 0, rateLimitWindowSeconds: Double = 300,
        blockSeconds: Double = 300, perSecondLimit: Int = 0, renewsIDOnSigningChange: Bool = false
    ) {
        self.latencyMilliseconds = latencyMilliseconds
        self.failureRate = failureRate
        self.failureStatus = failureStatus
        self.retryAfterSeconds = retryAfterSeconds
        self.applyThenFailRate = applyThenFailRate
        self.rateLimitRequests = rateLimitRequests
        self.rateLimitWindowSeconds = rateLimitWindowSeconds
        self.blockSeconds = blockSeconds
        self.perSecondLimit = perSecondLimit
        self.renewsIDOnSigningChange = renewsIDOnSigningChange
    }

    /// Cloudflare's documented limits: 1,200 calls per 5 minutes, a 5-minute block, 200 calls per second per address.
    public static let cloudflareLimits = FaultSettings(rateLimitRequests: 1200, perSecondLimit: 200)

    /// No latency, no failures.
    public static let none = FaultSettings()

    /// Statuses the failure knob may produce.
    public static let allowedStatuses: Set<Int> = [429, 500, 502, 503, 504]

    /// Checks the ranges; the message names the bad field.
    public func validate() throws(EmulatorError) {
        guard latencyMilliseconds >= 0, latencyMilliseconds <= 60_000 else {
            throw .badRequest("latency_ms must be between 0 and 60000")
        }
        guard failureRate >= 0, failureRate <= 1, !failureRate.isNaN else {
            throw .badRequest("failure_rate must be between 0 and 1")
        }
        guard FaultSettings.allowedStatuses.contains(failureStatus) else {
            throw .badRequest("failure_status must be one of 429, 500, 502, 503, 504")
        }
        guard retryAfterSeconds >= 0, retryAfterSeconds <= 86_400 else {
            throw .badRequest("retry_after must be between 0 and 86400")
        }
        guard applyThenFailRate >= 0, applyThenFailRate <= 1, !applyThenFailRate.isNaN else {
            throw .badRequest("apply_then_fail_rate must be between 0 and 1")
        }
        guard rateLimitRequests >= 0, rateLimitRequests <= 1_000_000_000 else {
            throw .badRequest("rate_limit_requests must be between 0 and 1000000000")
        }
        guard perSecondLimit >= 0, perSecondLimit <= 1_000_000_000 else {
            throw .badRequest("per_second_limit must be between 0 and 1000000000")
        }
        for (name, value) in [("rate_limit_window", rateLimitWindowSeconds), ("block_seconds", blockSeconds)] {
            guard value >= 0.001, value <= 86_400 else {
                throw .badRequest("\(name) must be between 0.001 and 86400 seconds")
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case latencyMilliseconds = "latency_ms"
        case failureRate = "failure_rate"
        case failureStatus = "failure_status"
        case retryAfterSeconds = "retry_after"
        case applyThenFailRate = "apply_then_fail_rate"
        case rateLimitRequests = "rate_limit_requests"
        case rateLimitWindowSeconds = "rate_limit_window"
        case blockSeconds = "block_seconds"
        case perSecondLimit = "per_second_limit"
        case renewsIDOnSigningChange = "renew_id_on_signing_change"
    }

    /// Every key, with its current value, as the control endpoint reports it.
    var json: [String: JSONValue] {
        [
            "latency_ms": .int(Int64(latencyMilliseconds)), "failure_rate": .double(failureRate),
            "failure_status": .int(Int64(failureStatus)), "retry_after": .int(Int64(retryAfterSeconds)),
            "apply_then_fail_rate": .double(applyThenFailRate), "rate_limit_requests": .int(Int64(rateLimitRequests)),
            "rate_limit_window": .double(rateLimitWindowSeconds), "block_seconds": .double(blockSeconds),
            "per_second_limit": .int(Int64(perSecondLimit)),
            "renew_id_on_signing_change": .bool(renewsIDOnSigningChange),
        ]
    }

    /// Decodes a partial update: absent keys keep the values of `base`.
    static func decode(_ object: [String: JSONValue], over base: FaultSettings) throws(EmulatorError) -> FaultSettings {
        var settings = base
        func int(_ key: String) throws(EmulatorError) -> Int? {
            switch object[key] {
            case nil: return nil
            case .int(let value)? where Int(exactly: value) != nil: return Int(value)
            case .double(let value)? where value == value.rounded() && abs(value) < 1e15: return Int(value)
            default: throw .badRequest("\(key) must be an integer")
            }
        }
        if let v = try int("latency_ms") { settings.latencyMilliseconds = v }
        if let v = try int("failure_status") { settings.failureStatus = v }
        if let v = try int("retry_after") { settings.retryAfterSeconds = v }
        if let v = try int("rate_limit_requests") { settings.rateLimitRequests = v }
        if let v = try int("per_second_limit") { settings.perSecondLimit = v }
        func number(_ key: String) throws(EmulatorError) -> Double? {
            switch object[key] {
            case nil: return nil
            case .int(let value)?: return Double(value)
            case .double(let value)?: return value
            default: throw .badRequest("\(key) must be a number")
            }
        }
        if let v = try number("failure_rate") { settings.failureRate = v }
        if let v = try number("apply_then_fail_rate") { settings.applyThenFailRate = v }
        if let v = try number("rate_limit_window") { settings.rateLimitWindowSeconds = v }
        if let v = try number("block_seconds") { settings.blockSeconds = v }
        switch object["renew_id_on_signing_change"] {
        case nil: break
        case .bool(let value)?: settings.renewsIDOnSigningChange = value
        default: throw .badRequest("renew_id_on_signing_change must be a boolean")
        }
        let known = Set(settings.json.keys)
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw .badRequest("Unknown fault setting: \(unknown)")
        }
        try settings.validate()
        return settings
    }
}

/// A value behind a lock, for the few settings that change at run time, shared by reference.
final class LockedValue<Value: Sendable>: Sendable {
    private let value: Mutex<Value>

    init(_ value: Value) { self.value = Mutex(value) }

    func get() -> Value { value.withLock { $0 } }
    func set(_ newValue: Value) { value.withLock { $0 = newValue } }
}
