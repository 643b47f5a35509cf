import Foundation
import SQLite
import TestSupport
import Testing

struct DatabaseTests {
    private func makeDatabase(_ dir: TemporaryDirectory, readers: Int = 3) async throws -> Database {
        let database = try Database(path: dir.file("db.sqlite"), readerCount: readers)
        try await database.write { try $0.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)") }
        return database
    }

    @Test func writeThenRead() async throws {
        let dir = try TemporaryDirectory()
        let database = try await makeDatabase(dir)
        defer { database.close() }
        let id = try await database.write { connection in
            try connection.execute("INSERT INTO t (v) VALUES (?)", ["a"])
            return connection.lastInsertRowID
        }
        let value = try await database.readSnapshot { try $0.scalar("SELECT v FROM t WHERE id = ?", [.integer(id)]) }
        #expect(value == .text("a"))
    }

    @Test func writeRollsBackOnThrow() async throws {
        struct Boom: Error {}
        let dir = try TemporaryDirectory()
        let database = try await makeDatabase(dir)
        defer { database.close() }
        await #expect(throws: Boom.self) {
            try await database.write { connection in
                try connection.execute("INSERT INTO t (v) VALUES (?)", ["a"])
                throw Boom()
            }
        }
        let count = try await database.readSnapshot { try $0.scalar("SELECT count(*) FROM t") }
        #expect(count == .integer(0))
    }

    @Test func readersAreQueryOnly() async throws {
        let dir = try TemporaryDirectory()
        let database = try await makeDatabase(dir)
        defer { database.close() }
        await #expect(throws: SQLiteError.self) {
            try await database.readSnapshot { try $0.execute("INSERT INTO t (v) VALUES (?)", ["a"]) }
        }
    }

    /// Reader connections open on their first read: a failed open fails that read, and the next read tries again.
    @Test func readerThatCannotOpenFailsTheReadAndRetriesLater() async throws {
        let dir = try TemporaryDirectory()
        let database = try await makeDatabase(dir, readers: 1)
        defer { database.close() }
        let path = dir.file("db.sqlite")
        try FileManager.default.moveItem(atPath: path, toPath: path + ".away")
        await #expect(throws: SQLiteError.self) {
            try await database.readSnapshot { try $0.scalar("SELECT count(*) FROM t") }
        }
        try FileManager.default.moveItem(atPath: path + ".away", toPath: path)
        let count = try await database.readSnapshot { try $0.scalar("SELECT count(*) FROM t") }
        #expect(count == .integer(0))
    }

    @Test func readsDoNotWaitForAWriterHoldingATransaction() async throws {
        let dir = try TemporaryDirectory()
        let database = try await makeDatabase(dir)
        defer { database.close() }
        try await database.write { try $0.execute("INSERT INTO t (v) VALUES (?)", ["committed"]) }

        let writerInside = LockedBox(false)
        let releaseWriter = DispatchSemaphore(value: 0)
        // The writer thread blocks (bounded: the test releases it right after its reads); this task only polls, so
        // it holds no thread of the cooperative pool the write may need to start.
        async let held: Bool = database.write { connection in
            try connection.execute("INSERT INTO t (v) VALUES (?)", ["uncommitted"])
            writerInside.update { $0 = true }
            return releaseWriter.wait(timeout: .now() + 30) == .success
        }
        #expect(await eventually(timeout: .seconds(30)) { writerInside.current })
        // Several concurrent reads complete while the write transaction is still open.
        try await withThrowingTaskGroup(of: SQLiteValue?.self) { group in
            for _ in 0..<6 {
                group.addTask { try await database.readSnapshot { try $0.scalar("SELECT count(*) FROM t") } }
            }
            for try await count in group { #expect(count == .integer(1)) }
        }
        releaseWriter.signal()
        #expect(try await held)
        let after = try await database.readSnapshot { try $0.scalar("SELECT count(*) FROM t") }
        #expect(after == .integer(2))
    }

    @Test func manyConcurrentWritesAreSerialised() async throws {
        let dir = try TemporaryDirectory()
        let database = try await makeDatabase(dir)
        defer { database.close() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<50 {
                group.addTask {
                    try await database.write { try $0.execute("INSERT INTO t (v) VALUES (?)", [.text("v\(i)")]) }
                }
            }
            try await group.waitForAll()
        }
        let count = try await database.readSnapshot { try $0.scalar("SELECT count(*) FROM t") }
        #expect(count == .integer(50))
    }

    @Test func closedDatabaseThrows() async throws {
        let dir = try TemporaryDirectory()
        let database = try await makeDatabase(dir)
        database.close()
        await #expect(throws: SQLiteError.self) { try await database.readSnapshot { try $0.scalar("SELECT 1") } }
    }
}
