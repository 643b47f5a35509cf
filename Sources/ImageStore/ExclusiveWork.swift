/// Work that one instance at a time may do, when several share a store (the periodic expiry sweep). A store that
/// only one process uses (SQLite) has no need of it; PostgreSQL offers it with an advisory lock.
public protocol ExclusiveWork: Sendable {
    /// Runs `body` unless another instance is running work of the same `name`; then returns nil at once, without
    /// waiting. The claim ends when `body` returns or throws, or when this instance's connection to the store ends.
    func exclusively<T: Sendable>(_ name: String, _ body: @Sendable () async throws -> T) async throws -> T?
}
