import Synchronization

/// Tells observers, after each committed write of a repository, that something may have changed.
///
/// The signal carries no detail: an observer re-reads what it cares about. It fires on the writer's completion
/// path, so observers must be cheap and never block (schedule work, don't do it). Writes made by another process
/// are not seen here; poll ``ImageRepository/imagesGeneration()`` for those.
public final class ImageChangeFeed: Sendable {
    private let observers = Mutex<[UInt64: @Sendable () -> Void]>([:])
    private let nextID = Atomic<UInt64>(0)

    public init() {}

    /// Registers `observer`; returns the token that ``removeObserver(_:)`` takes.
    public func addObserver(_ observer: @escaping @Sendable () -> Void) -> UInt64 {
        let id = nextID.add(1, ordering: .relaxed).newValue
        observers.withLock { $0[id] = observer }
        return id
    }

    public func removeObserver(_ id: UInt64) {
        _ = observers.withLock { $0.removeValue(forKey: id) }
    }

    /// Called after a write has committed.
    public func committed() {
        let current = observers.withLock { $0.isEmpty ? [] : Array($0.values) }
        for observer in current { observer() }
    }
}

/// A repository that signals its committed writes on a feed (in-process waiters use it besides polling).
public protocol ImageChangeNotifying: Sendable {
    var changeFeed: ImageChangeFeed { get }
}
