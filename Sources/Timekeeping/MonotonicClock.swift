import CLinux

/// The process's one monotonic clock (`CLOCK_MONOTONIC`), read without allocating: for deadlines, timeouts and
/// request durations, never for wall-clock time.
public enum MonotonicClock {
    /// Nanoseconds since an arbitrary fixed point (boot); never goes backwards.
    @inline(__always)
    public static func nanoseconds() -> UInt64 { clinux_monotonic_nanoseconds() }
}
