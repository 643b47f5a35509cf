/// One `Database.write`: work to run inside a write transaction, and what to do once its outcome is final.
///
/// The writer thread runs the writes queued together in one `BEGIN IMMEDIATE ... COMMIT` (group commit), each
/// inside its own savepoint, so a write that throws rolls back alone. Outcomes are delivered only after the
/// COMMIT, so no caller sees success before its rows are committed.
struct WriteJob: Sendable {
    /// Runs the caller's body and keeps its result for `succeed`.
    let run: @Sendable (Connection) throws -> Void
    let succeed: @Sendable () -> Void
    let fail: @Sendable (any Error) -> Void

    /// The most writes that share one transaction.
    static let maxBatch = 128

    /// Runs `jobs` in one transaction and delivers every outcome. If the shared transaction itself fails (BEGIN
    /// or COMMIT fails, or an error made SQLite roll the whole transaction back), each write runs again alone in
    /// its own transaction, as if it had never been batched: bodies must only touch the connection.
    static func runBatch(_ jobs: [WriteJob], on connection: Connection) {
        if jobs.count == 1 {
            runAlone(jobs[0], on: connection)
            return
        }
        var outcomes: [(any Error)?] = []
        outcomes.reserveCapacity(jobs.count)
        do {
            try connection.cachedStatement("BEGIN IMMEDIATE").run()
            for job in jobs {
                try connection.cachedStatement("SAVEPOINT batched_write").run()
                do {
                    try job.run(connection)
                    try connection.cachedStatement("RELEASE batched_write").run()
                    outcomes.append(nil)
                } catch {
                    // Some errors (SQLITE_FULL, IOERR, NOMEM, BUSY mid-statement) roll back the whole transaction.
                    if connection.isAutocommit { throw BatchLost() }
                    try connection.cachedStatement("ROLLBACK TO batched_write").run()
                    try connection.cachedStatement("RELEASE batched_write").run()
                    outcomes.append(error)
                }
            }
            try connection.cachedStatement("COMMIT").run()
        } catch {
            if !connection.isAutocommit { try? connection.execute("ROLLBACK") }
            for job in jobs { runAlone(job, on: connection) }
            return
        }
        LocalCommits.committed()
        for (job, outcome) in zip(jobs, outcomes) {
            if let outcome { job.fail(outcome) } else { job.succeed() }
        }
    }

    private static func runAlone(_ job: WriteJob, on connection: Connection) {
        do {
            try connection.transaction(.immediate) { try job.run(connection) }
        } catch {
            job.fail(error)
            return
        }
        LocalCommits.committed()
        job.succeed()
    }

    private struct BatchLost: Error {}
}

/// The result of a write, set on the writer thread and read there once the batch committed.
final class WriteResult<T>: @unchecked Sendable {
    var value: T?
}
