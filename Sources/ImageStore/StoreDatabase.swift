import SQLite

/// The store's `Database`: the same guarantees (see `Database`), with every `SQLiteError` that leaves it turned into
/// an `ImageStoreError`. Inside a body SQLite's errors are still themselves, so a body can catch the ones it expects.
struct StoreDatabase: Sendable {
    let database: Database
    /// Told after every committed `write`.
    let changeFeed: ImageChangeFeed

    init(_ database: Database, changeFeed: ImageChangeFeed = ImageChangeFeed()) {
        self.database = database
        self.changeFeed = changeFeed
    }

    /// `Database.readSnapshot`: one snapshot holding every commit made before the call.
    func readSnapshot<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await ImageStoreError.mapping { try await database.readSnapshot(body) }
    }

    /// `Database.readRecentSnapshot`: one snapshot holding every commit of this process made before the call; the
    /// caller's thread never waits for a lock.
    func readRecentSnapshot<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await ImageStoreError.mapping { try await database.readRecentSnapshot(body) }
    }

    /// `Database.readRecentSnapshotWithoutWaiting`: that snapshot on the caller's thread, or `ImageStoreError.busy`
    /// at once instead of any wait.
    func readRecentSnapshotWithoutWaiting<T>(_ body: (Connection) throws -> T) throws -> T {
        try ImageStoreError.mapping { try database.readRecentSnapshotWithoutWaiting(body) }
    }

    /// `Database.write`: one atomic transaction, committed when this returns; `body` may run twice.
    func write<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        let result = try await ImageStoreError.mapping { try await database.write(body) }
        changeFeed.committed()
        return result
    }

    /// `Database.writeWithoutTransaction`: exclusive use of the writer, no transaction around `body`.
    func writeWithoutTransaction<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        let result = try await ImageStoreError.mapping { try await database.writeWithoutTransaction(body) }
        changeFeed.committed()
        return result
    }
}
