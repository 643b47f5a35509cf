import Foundation
import Synchronization

/// A settable wall clock (a repository's or the API's `now`), moved by hand.
public final class TestClock: Sendable {
    private let date: Mutex<Date>
    public init(_ date: Date = Date()) { self.date = Mutex(date) }
    public var now: Date { date.withLock { $0 } }
    public func advance(_ seconds: TimeInterval) { date.withLock { $0 += seconds } }
}

/// A monotonic clock (a request budget's `now`), moved by hand.
public final class ManualClock: Sendable {
    private let instant = Mutex(ContinuousClock.now)
    public init() {}
    public var now: ContinuousClock.Instant { instant.withLock { $0 } }
    public func advance(_ duration: Duration) { instant.withLock { $0 += duration } }
}
