import Synchronization

/// A mutex-protected value for test state shared with server handlers and other threads.
public final class LockedBox<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    public init(_ value: Value) { self.value = Mutex(value) }
    public var current: Value { value.withLock { $0 } }
    public func update<R: Sendable>(_ body: (inout Value) -> R) -> R { value.withLock { body(&$0) } }
}
