/// A `Duration` in the units C APIs, headers and metrics take. The whole-unit conversions saturate instead of
/// trapping and count a negative duration as zero.
extension Duration {
    /// Whole nanoseconds (truncated); `UInt64.max / 2` for durations too long to count, so that adding one to a
    /// monotonic reading cannot overflow.
    public var wholeNanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow, whole <= UInt64.max / 2 else { return UInt64.max / 2 }
        return whole + UInt64(max(0, attoseconds) / 1_000_000_000)
    }

    /// Whole milliseconds, truncated or (with `roundingUp`) rounded up to the next whole one.
    public func wholeMilliseconds(roundingUp: Bool = false) -> Int64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0, attoseconds >= 0 || seconds > 0 else { return 0 }
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        guard !overflow else { return Int64.max }
        let perMillisecond: Int64 = 1_000_000_000_000_000
        let fraction = roundingUp ? (attoseconds + perMillisecond - 1) / perMillisecond : attoseconds / perMillisecond
        let (total, overflowAdding) = whole.addingReportingOverflow(fraction)
        return overflowAdding ? Int64.max : max(0, total)
    }

    /// Whole seconds, rounded up to the next whole one (for `Retry-After`).
    public var wholeSecondsRoundedUp: Int64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        let (rounded, overflow) = seconds.addingReportingOverflow(attoseconds > 0 ? 1 : 0)
        return overflow ? Int64.max : rounded
    }

    /// Seconds as a floating-point value (for metrics and progress rates).
    public var secondsValue: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
