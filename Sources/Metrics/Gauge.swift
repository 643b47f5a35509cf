import Synchronization

/// A value that goes up and down (Prometheus `gauge`); stored as the bit pattern of a `Double` in one atomic.
public final class Gauge: Sendable {
    private let bits = Atomic<UInt64>(0.0.bitPattern)

    public init() {}

    public func set(_ value: Double) { bits.store(value.bitPattern, ordering: .relaxed) }

    public func set(_ value: Int) { set(Double(value)) }

    /// Adds `delta` (negative to subtract) atomically.
    public func add(_ delta: Double) {
        var current = bits.load(ordering: .relaxed)
        while true {
            let next = (Double(bitPattern: current) + delta).bitPattern
            let (exchanged, original) = bits.compareExchange(
                expected: current, desired: next, successOrdering: .relaxed, failureOrdering: .relaxed)
            if exchanged { return }
            current = original
        }
    }

    public var value: Double { Double(bitPattern: bits.load(ordering: .relaxed)) }
}

extension Gauge: FamilyMember {
    static var typeName: String { "gauge" }

    func write(name: String, labels: String, to writer: inout ExpositionWriter) {
        writer.sample(name, labels: labels, value: value)
    }
}
