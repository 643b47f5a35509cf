import Synchronization

/// Counts the transactions committed through any `Database` of this process. A reader that remembers the count
/// from when its snapshot began knows, by comparing, whether this process has committed anything since.
enum LocalCommits {
    private static let count = Atomic<UInt64>(0)

    /// Called after a commit has completed, before anyone is told of it.
    static func committed() { count.add(1, ordering: .releasing) }

    static var current: UInt64 { count.load(ordering: .acquiring) }
}
