extension Connection {
    /// How a transaction takes its locks.
    public enum TransactionKind: String, Sendable {
        /// Takes a lock only when first needed; for read-only work.
        case deferred = "DEFERRED"
        /// Takes the write lock at BEGIN, so a writer never fails with BUSY half-way through (use for writes).
        case immediate = "IMMEDIATE"
        /// Like immediate; in WAL mode identical.
        case exclusive = "EXCLUSIVE"
    }

    /// Runs `body` inside BEGIN ... COMMIT. A throw from `body` (or a failed COMMIT) rolls back and rethrows.
    /// Nested calls are not allowed; use `savepoint` inside a transaction.
    public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        try cachedStatement("BEGIN \(kind.rawValue)").run()
        do {
            let result = try body()
            try cachedStatement("COMMIT").run()
            return result
        } catch {
            if !isAutocommit { try? execute("ROLLBACK") }
            throw error
        }
    }

    /// Runs `body` inside SAVEPOINT ... RELEASE; a throw rolls back to the savepoint only.
    /// `name` must be a plain identifier chosen by the program, never user input.
    public func savepoint<T>(_ name: String = "sp", _ body: () throws -> T) throws -> T {
        precondition(
            name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }, "savepoint name must be an identifier")
        try execute("SAVEPOINT \(name)")
        do {
            let result = try body()
            try execute("RELEASE \(name)")
            return result
        } catch {
            try? execute("ROLLBACK TO \(name)")
            try? execute("RELEASE \(name)")
            throw error
        }
    }
}
