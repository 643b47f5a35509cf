import Synchronization
import Timekeeping

/// Observations counted into fixed buckets (Prometheus `histogram`), with their sum and count. One short lock per
/// observation; buckets are stored per interval and made cumulative only when rendered.
public final class Histogram: Sendable {
    /// The finite upper bounds, ascending; `+Inf` is implied.
    public let upperBounds: [Double]
    private let state: Mutex<State>

    struct State {
        /// Observations per interval: `counts[i]` for `(upperBounds[i-1], upperBounds[i]]`; the last is `+Inf`.
        var counts: [Int]
        var sum: Double = 0
    }

    /// Prometheus' default buckets (seconds): 5 ms to 10 s.
    public static let defaultBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    /// - Parameter buckets: finite upper bounds; sorted and deduplicated here.
    public init(buckets: [Double] = Histogram.defaultBuckets) {
        let bounds = Array(Set(buckets.filter(\.isFinite))).sorted()
        self.upperBounds = bounds
        self.state = Mutex(State(counts: Array(repeating: 0, count: bounds.count + 1)))
    }

    public func observe(_ value: Double) {
        var index = 0
        while index < upperBounds.count, value > upperBounds[index] { index += 1 }
        state.withLock { state in
            state.counts[index] += 1
            state.sum += value
        }
    }

    /// Observes a duration in seconds.
    public func observe(_ duration: Duration) {
        observe(duration.secondsValue)
    }

    /// Cumulative bucket counts (one per upper bound, then `+Inf`), sum and count, read together.
    public var snapshot: Snapshot {
        let (counts, sum) = state.withLock { ($0.counts, $0.sum) }
        var cumulative: [Int] = []
        cumulative.reserveCapacity(counts.count)
        var running = 0
        for count in counts {
            running += count
            cumulative.append(running)
        }
        return Snapshot(upperBounds: upperBounds, cumulativeCounts: cumulative, sum: sum)
    }

    public struct Snapshot: Sendable, Equatable {
        public var upperBounds: [Double]
        /// `upperBounds.count + 1` entries; the last (the `+Inf` bucket) equals ``count``.
        public var cumulativeCounts: [Int]
        public var sum: Double
        public var count: Int { cumulativeCounts.last ?? 0 }
    }
}

extension Histogram: FamilyMember {
    static var typeName: String { "histogram" }

    func write(name: String, labels: String, to writer: inout ExpositionWriter) {
        let snapshot = snapshot
        let prefix = labels.isEmpty ? "" : labels + ","
        for (index, count) in snapshot.cumulativeCounts.enumerated() {
            let bound = index < upperBounds.count ? ExpositionWriter.format(upperBounds[index]) : "+Inf"
            writer.sample(name + "_bucket", labels: prefix + "le=\"" + bound + "\"", value: count)
        }
        writer.sample(name + "_sum", labels: labels, value: snapshot.sum)
        writer.sample(name + "_count", labels: labels, value: snapshot.count)
    }
}
