import Foundation
import SQLite
import Synchronization
import TestSupport
import Testing

/// `Database.readRecentSnapshotWithoutWaiting`: synchronous reads on the caller's thread from a pool of read-only connections.
struct DatabaseReadWithoutWaitingTests {
    @Test func seesCommittedWritesAndIsQueryOnly() async throws {
        let dir = try TemporaryDirectory()
        let database = try await makeDatabase(dir)
        defer { database.close() }
        try await database.write { try $0.execute("INSERT INTO t (v) VALUES (?)", ["a"]) }
        #expect(try database.readRecentSnapshotWithoutWaiting { try $0.scalar("SELECT v FROM t") } == .text("a"))
        #expect(throws: SQLiteError.self) {
            try database.readRecentSnapshotWithoutWaiting { try $0.execute("INSERT INTO t (v) VALUES (?)", ["b"]) }
        }
        #expect(
            try database.readRecentSnapshotWithoutWaiting { try $0.scalar("SELECT count(*) FROM t") } == .integer(1))
    }

    @Test func readsOneSnapshotWhileAWriterHoldsATransaction() async throws {
        let dir = try TemporaryDirectory()
        let database = try await makeDatabase(dir)
        defer { database.close() }
        try await database.write { try $0.execute("INSERT INTO t (v) VALUES (?)", ["committed"]) }
        let writerInside = Flag()
        let releaseWriter = DispatchSemaphore(value: 0)
        // The writer thread blocks (bounded); this task only polls, so no pool thread is held.
        async let held: Bool = database.write { connection in
            try connection.execute("INSERT INTO t (v) VALUES (?)", ["uncommitted"])
            writerInside.set()
            return releaseWriter.wait(timeout: .now() + 10) == .success
        }
        for _ in 0..<2_000 where !writerInside.isSet { try await Task.sleep(for: .milliseconds(5)) }
        #expect(writerInside.isSet)
        #expect(
            try database.readRecentSnapshotWithoutWaiting { try $0.scalar("SELECT count(*) FROM t") } == .integer(1))
        releaseWriter.signal()
        #expect(try await held)
        #expect(
            try database.readRecentSnapshotWithoutWaiting { try $0.scalar("SELECT count(*) FROM t") } == .integer(2))
    }

    @Test func concurrentCallersEachGetAConnection() async throws {
        let dir = try TemporaryDirectory()
        let database = try await makeDatabase(dir)
        defer { database.close() }
        try await database.write { connection in
            for i in 0..<100 { try connection.execute("INSERT INTO t (v) VALUES (?)", [.text("v\(i)")]) }
        }
        // Nested: a read inside a read needs a second connection, not the one in use.
        let nested = try database.readRecentSnapshotWithoutWaiting { outer in
            try database.readRecentSnapshotWithoutWaiting { inner in
                #expect(outer !== inner)
                return try inner.scalar("SELECT count(*) FROM t")
            }
        }
        #expect(nested == .integer(100))
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    var total = 0
                    for id in 1...100 {
                        let value = try database.readRecentSnapshotWithoutWaiting {
                            try $0.scalar("SELECT v FROM t WHERE id = ?", [.integer(Int64(id))])
                        }
                        if value == .text("v\(id - 1)") { total += 1 }
                    }
                    return total
                }
            }
            for try await total in group { #expect(total == 100) }
        }
    }

    @Test func rollsBackOnThrowAndThrowsAfterClose() async throws {
        struct Boom: Error {}
        let dir = try TemporaryDirectory()
        let database = try await makeDatabase(dir)
        #expect(throws: Boom.self) { try database.readRecentSnapshotWithoutWaiting { _ in throw Boom() } }
        // The connection went back to the pool outside any transaction (BEGIN would fail inside one).
        for _ in 0..<3 {
            #expect(try database.readRecentSnapshotWithoutWaiting { try $0.scalar("SELECT 1") } == .integer(1))
        }
        database.close()
        #expect(throws: SQLiteError.self) {
            try database.readRecentSnapshotWithoutWaiting { try $0.scalar("SELECT 1") }
        }
    }
}

/// Reused read snapshots: never older than this process's last commit, never held long when idle.
struct RecentSnapshotTests {
    @Test func everyReadSeesTheCommitsOfThisProcessBeforeIt() async throws {
        let dir = try TemporaryDirectory()
        let database = try await makeDatabase(dir)
        defer { database.close() }
        // A second Database on the same file (as a CLI command or test harness in this process would open).
        let other = try Database(path: dir.file("db.sqlite"), readerCount: 1)
        defer { other.close() }
        for i in 1...200 {
            let writer = i.isMultiple(of: 2) ? database : other
            try await writer.write { try $0.execute("INSERT INTO t (v) VALUES (?)", [.text("v\(i)")]) }
            #expect(
                try database.readRecentSnapshotWithoutWaiting { try $0.scalar("SELECT count(*) FROM t") }
                    == .integer(Int64(i)))
        }
    }

    /// Work on the writer outside `write` (migrations) manages its own transactions; its commits count too.
    @Test func everyReadSeesCommitsMadeWithTheWriterDirectly() async throws {
        let dir = try TemporaryDirectory()
        let database = try await makeDatabase(dir)
        defer { database.close() }
        for i in 1...200 {
            try await database.writeWithoutTransaction { connection in
                try connection.execute("BEGIN IMMEDIATE")
                try connection.execute("INSERT INTO t (v) VALUES (?)", [.text("v\(i)")])
                try connection.execute("COMMIT")
            }
            #expect(
                try database.readRecentSnapshotWithoutWaiting { try $0.scalar("SELECT count(*) FROM t") }
                    == .integer(Int64(i)))
        }
    }

    @Test func anotherProcessesCommitShowsSoon() async throws {
        let dir = try TemporaryDirectory()
        let database = try await makeDatabase(dir)
        defer { database.close() }
        #expect(
            try database.readRecentSnapshotWithoutWaiting { try $0.scalar("SELECT count(*) FROM t") } == .integer(0))
        // A bare connection is not a Database: like another process, its commit is not counted here.
        let outsider = try Connection(path: dir.file("db.sqlite"))
        try outsider.execute("INSERT INTO t (v) VALUES ('x')")
        var seen = false
        for _ in 0..<2_000 where !seen {
            seen =
                try database.readRecentSnapshotWithoutWaiting { try $0.scalar("SELECT count(*) FROM t") } == .integer(1)
            if !seen { try await Task.sleep(for: .milliseconds(1)) }
        }
        #expect(seen)
    }

    @Test func idleSnapshotsEndSoCheckpointsCanResetTheLog() async throws {
        let dir = try TemporaryDirectory()
        let database = try await makeDatabase(dir)
        defer { database.close() }
        try await database.write { try $0.execute("INSERT INTO t (v) VALUES ('a')") }
        #expect(
            try database.readRecentSnapshotWithoutWaiting { try $0.scalar("SELECT count(*) FROM t") } == .integer(1))
        try await database.write { try $0.execute("INSERT INTO t (v) VALUES ('b')") }
        // A TRUNCATE checkpoint reports busy while any reader still holds a snapshot of the log.
        let checkpointer = try Connection(path: dir.file("db.sqlite"))
        var busy: Int64 = 1
        for _ in 0..<2_000 where busy != 0 {
            busy = try checkpointer.query("PRAGMA wal_checkpoint(TRUNCATE)").first?[0].int64Value ?? 1
            if busy != 0 { try await Task.sleep(for: .milliseconds(1)) }
        }
        #expect(busy == 0)
    }

    @Test func aFailedReadEndsItsSnapshot() async throws {
        struct Boom: Error {}
        let dir = try TemporaryDirectory()
        let database = try await makeDatabase(dir)
        defer { database.close() }
        #expect(
            try database.readRecentSnapshotWithoutWaiting { try $0.scalar("SELECT count(*) FROM t") } == .integer(0))
        #expect(throws: Boom.self) { try database.readRecentSnapshotWithoutWaiting { _ in throw Boom() } }
        #expect(try database.readRecentSnapshotWithoutWaiting { $0.isAutocommit } == false)
        #expect(throws: SQLiteError.self) {
            try database.readRecentSnapshotWithoutWaiting { try $0.scalar("SELECT * FROM missing") }
        }
        #expect(
            try database.readRecentSnapshotWithoutWaiting { try $0.scalar("SELECT count(*) FROM t") } == .integer(0))
    }
}

/// A database with one table `t (id, v)` and a single reader thread.
private func makeDatabase(_ dir: TemporaryDirectory) async throws -> Database {
    let database = try Database(path: dir.file("db.sqlite"), readerCount: 1)
    try await database.write { try $0.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)") }
    return database
}

private final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .releasing) }
    var isSet: Bool { value.load(ordering: .acquiring) }
}
