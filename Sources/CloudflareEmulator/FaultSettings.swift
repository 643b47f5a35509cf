import JSON
import Foundation

/// Trouble the emulator adds to its API calls, for tests and benchmarks: a delay, and random failures.
public struct FaultSettings: Sendable, Equatable, Codable {
    /// Added to every API call before it is answered, in milliseconds.
    public var latencyMilliseconds: Int
    /// The share of API calls, 0...1, that fail with `failureStatus` instead of being served.
    public var failureRate: Double
    /// 500, 503 or 429.
    public var failureStatus: Int
    /// The `Retry-After` seconds sent with a 429.
    public var retryAfterSeconds: Int

    public init(latencyMilliseconds: Int = 0, failureRate: Double = 0, failureStatus: Int = 503, retryAfterSeconds: Int = 1) {
        self.latencyMilliseconds = latencyMilliseconds
        self.failureRate = failureRate
        self.failureStatus = failureStatus
        self.retryAfterSeconds = retryAfterSeconds
    }

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
    }

    enum CodingKeys: String, CodingKey {
        case latencyMilliseconds = "latency_ms"
        case failureRate = "failure_rate"
        case failureStatus = "failure_status"
        case retryAfterSeconds = "retry_after"
    }

    /// Decodes a partial update: absent keys keep the values of `base`.
    static func decode(_ body: [UInt8], over base: FaultSettings) throws(EmulatorError) -> FaultSettings {
        guard let object = (try? JSONValue.parse(body))?.objectValue else {
            throw .badRequest("Body must be a JSON object")
        }
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
        switch object["failure_rate"] {
        case nil: break
        case .int(let value)?: settings.failureRate = Double(value)
        case .double(let value)?: settings.failureRate = value
        default: throw .badRequest("failure_rate must be a number")
        }
        let known: Set<String> = ["latency_ms", "failure_rate", "failure_status", "retry_after"]
        if let unknown = object.keys.first(where: { !known.contains($0) }) {
            throw .badRequest("Unknown fault setting: \(unknown)")
        }
        try settings.validate()
        return settings
    }
}

/// A value behind a lock, for the few settings that change at run time.
final class LockedValue<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func get() -> Value { lock.withLock { value } }
    func set(_ newValue: Value) { lock.withLock { value = newValue } }
}
