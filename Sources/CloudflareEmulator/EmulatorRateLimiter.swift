import Synchronization

/// Cloudflare's API rate limits as the emulator applies them (the knobs are in ``FaultSettings``): a quota per
/// fixed window whose overrun blocks every call for a while, and a per-second cap per client address.
///
/// Times are the emulator's clock in Unix milliseconds, so a test that moves the clock moves the limits with it.
final class EmulatorRateLimiter: Sendable {
    enum Decision: Equatable {
        /// Served. With a quota set, `remaining` calls are left in a window that resets in `resetSeconds`.
        case allowed(remaining: Int?, resetSeconds: Int)
        /// Refused with 429; more capacity in `retryAfterSeconds`.
        case refused(retryAfterSeconds: Int)
    }

    private struct State {
        var windowStart: Int64?
        var windowCount = 0
        var blockedUntil: Int64 = 0
        var second: Int64 = 0
        var perAddress: [String: Int] = [:]
    }

    private let state = Mutex(State())

    /// Counts one call from `address` and says whether it is served.
    func admit(address: String, now: Int64, settings: FaultSettings) -> Decision {
        state.withLock { state in
            if now < state.blockedUntil { return .refused(retryAfterSeconds: Self.seconds(state.blockedUntil - now)) }
            if settings.perSecondLimit > 0 {
                let second = now / 1000
                if second != state.second {
                    state.second = second
                    state.perAddress.removeAll(keepingCapacity: true)
                }
                let count = state.perAddress[address, default: 0] + 1
                guard count <= settings.perSecondLimit else { return .refused(retryAfterSeconds: 1) }
                state.perAddress[address] = count
            }
            guard settings.rateLimitRequests > 0 else { return .allowed(remaining: nil, resetSeconds: 0) }
            let window = Self.milliseconds(settings.rateLimitWindowSeconds)
            if let start = state.windowStart, now < start + window {
                state.windowCount += 1
            } else {
                state.windowStart = now
                state.windowCount = 1
            }
            let start = state.windowStart ?? now
            guard state.windowCount <= settings.rateLimitRequests else {
                let block = Self.milliseconds(settings.blockSeconds)
                state.blockedUntil = now + block
                state.windowStart = nil
                return .refused(retryAfterSeconds: Self.seconds(block))
            }
            return .allowed(
                remaining: settings.rateLimitRequests - state.windowCount,
                resetSeconds: Self.seconds(start + window - now))
        }
    }

    /// Refuses every call for `seconds` from `now`, as after an overrun.
    func block(for seconds: Double, now: Int64) {
        state.withLock { state in
            state.blockedUntil = now + Self.milliseconds(seconds)
            state.windowStart = nil
        }
    }

    /// Whole seconds, rounded up, at least 1 (as `Retry-After` is sent).
    static func seconds(_ milliseconds: Int64) -> Int { Int(max(1, (milliseconds + 999) / 1000)) }

    /// Settings are validated to 0.001...86,400 seconds, so this cannot overflow.
    static func milliseconds(_ seconds: Double) -> Int64 { max(1, Int64((seconds * 1000).rounded(.up))) }
}
