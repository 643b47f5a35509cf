import Foundation
import Synchronization

/// Tells observers, after each committed write of a repository, that something may have changed: `nil` for any
/// write, then the ids of the images a write changed (when the write knows them).
///
/// Observers re-read what they care about. The signal fires on the writer's completion path, so observers must be
/// cheap and never block (schedule work, don't do it). Writes made by another process are not seen here; poll
/// ``ImageRepository/imagesGeneration()`` for those (which also catches any in-process change not named by id).
public final class ImageChangeFeed: Sendable {
    public typealias Observer = @Sendable (_ imageIDs: [UUID]?) -> Void

    private let observers = Mutex<[UInt64: Observer]>([:])
    private let nextID = Atomic<UInt64>(0)

    public init() {}

    /// Registers `observer`; returns the token that ``removeObserver(_:)`` takes.
    public func addObserver(_ observer: @escaping Observer) -> UInt64 {
        let id = nextID.add(1, ordering: .relaxed).newValue
        observers.withLock { $0[id] = observer }
        return id
    }

    public func removeObserver(_ id: UInt64) {
        _ = observers.withLock { $0.removeValue(forKey: id) }
    }

    /// Called after a write has committed.
    public func committed() { notify(nil) }

    /// Called after a committed write changed these images.
    public func imagesChanged(_ ids: [UUID]) {
        if !ids.isEmpty { notify(ids) }
    }

    private func notify(_ ids: [UUID]?) {
        let current = observers.withLock { $0.isEmpty ? [] : Array($0.values) }
        for observer in current { observer(ids) }
    }
}

/// A repository that signals its committed writes on a feed (in-process waiters use it besides polling).
public protocol ImageChangeNotifying: Sendable {
    var changeFeed: ImageChangeFeed { get }
}
