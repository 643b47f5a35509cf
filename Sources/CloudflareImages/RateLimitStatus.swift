import Foundation

/// What Cloudflare's `Ratelimit` response header reports: `"default";r=50;t=30` is 50 requests left in a window
/// that resets in 30 seconds (a list of such items; the most constrained one counts).
struct RateLimitStatus: Equatable {
    var remaining: Int
    var resetSeconds: Int

    /// nil when no item carries both `r` and `t` as non-negative integers.
    init?(header: String) {
        var best: RateLimitStatus?
        for item in header.split(separator: ",") {
            var remaining: Int?
            var reset: Int?
            for parameter in item.split(separator: ";").dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1)
                guard pair.count == 2 else { continue }
                let value = Int(pair[1].trimmingCharacters(in: .whitespaces)).flatMap { $0 >= 0 ? $0 : nil }
                switch pair[0].trimmingCharacters(in: .whitespaces) {
                case "r": remaining = value
                case "t": reset = value
                default: break
                }
            }
            guard let remaining, let reset else { continue }
            if best == nil || remaining < best?.remaining ?? .max {
                best = RateLimitStatus(remaining: remaining, resetSeconds: min(reset, 86_400))
            }
        }
        guard let best else { return nil }
        self = best
    }

    init(remaining: Int, resetSeconds: Int) {
        self.remaining = remaining
        self.resetSeconds = resetSeconds
    }
}
