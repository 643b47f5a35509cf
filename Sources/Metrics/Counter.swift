import Synchronization

/// A monotonically increasing integer (Prometheus `counter`), updated with one relaxed atomic add.
public final class Counter: Sendable {
    private let storage = Atomic<Int>(0)

    public init() {}

    /// Adds `amount`, which must not be negative.
    @inline(__always)
    public func increment(by amount: Int = 1) {
        precondition(amount >= 0, "a counter cannot decrease")
        storage.add(amount, ordering: .relaxed)
    }

    public var value: Int { storage.load(ordering: .relaxed) }
}

extension Counter: FamilyMember {
    static var typeName: String { "counter" }

    func write(name: String, labels: String, to writer: inout ExpositionWriter) {
        writer.sample(name, labels: labels, value: value)
    }
}
