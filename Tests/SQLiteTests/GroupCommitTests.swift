import Foundation
import SQLite
import Synchronization
import TestSupport
import Testing

/// Concurrent `Database.write` calls share transactions; each still commits or rolls back on its own.
struct GroupCommitTests {
    struct Refused: Error, Equatable { let index: Int }

    /// How many times write bodies ran, shared by the tasks of a test.
    final class RunCount: Sendable {
        let count = Mutex(0)
    }

    @Test func aFailingWriteRollsBackAloneAmongConcurrentOnes() async throws {
        let dir = try TemporaryDirectory()
        let database = try Database(path: dir.file("db.sqlite"), readerCount: 1)
        defer { database.close() }
        try await database.write { try $0.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)") }
        let outcomes = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
            for i in 0..<200 {
                group.addTask {
                    do {
                        let rowID = try await database.write { connection -> Int64 in
                            try connection.execute("INSERT INTO t (v) VALUES (?)", [.text("v\(i)")])
                            if i % 7 == 3 { throw Refused(index: i) }
                            // A constraint failure inside a write must not disturb the others either.
                            if i % 11 == 5 { try connection.execute("INSERT INTO t (v) VALUES (?)", [.text("v\(i)")]) }
                            return connection.lastInsertRowID
                        }
                        #expect(rowID > 0)
                        return (i, true)
                    } catch let error as Refused {
                        #expect(error.index == i)
                        return (i, false)
                    } catch is SQLiteError {
                        return (i, false)
                    }
                }
            }
            var all: [Int: Bool] = [:]
            for try await (i, ok) in group { all[i] = ok }
            return all
        }
        let expected = (0..<200).filter { $0 % 7 != 3 && $0 % 11 != 5 }
        #expect(outcomes.filter(\.value).keys.sorted() == expected)
        let stored = try await database.readSnapshot { connection in
            try connection.query("SELECT v FROM t ORDER BY id").map { $0[0].stringValue ?? "" }
        }
        #expect(Set(stored) == Set(expected.map { "v\($0)" }))
        #expect(stored.count == expected.count)
    }

    /// A batch whose shared COMMIT fails (here a deferred foreign key, checked only at commit) is run again one
    /// write at a time: the write at fault fails alone, every other one commits, and the bodies of that batch ran
    /// twice.
    @Test func aBatchThatFailsAsAWholeRunsEachWriteAgainAlone() async throws {
        let dir = try TemporaryDirectory()
        let database = try Database(path: dir.file("db.sqlite"), readerCount: 1)
        defer { database.close() }
        try await database.write { connection in
            try connection.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
            try connection.execute(
                "CREATE TABLE child (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED, v TEXT)"
            )
        }
        let runs = RunCount()
        let submitted = RunCount()
        // A write holds the writer until all 40 have been submitted (and a little more, for the last to queue), so
        // they queue up behind it and are committed together however slowly the machine runs.
        let started = RunCount()
        async let holder: Void = database.write { _ in
            started.count.withLock { $0 = 1 }
            let deadline = Date().addingTimeInterval(20)
            while submitted.count.withLock({ $0 }) < 40, Date() < deadline { Thread.sleep(forTimeInterval: 0.005) }
            Thread.sleep(forTimeInterval: 0.1)
        }
        while started.count.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(5)) }
        let outcomes = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
            for i in 0..<40 {
                group.addTask {
                    do {
                        submitted.count.withLock { $0 += 1 }
                        try await database.write { connection in
                            runs.count.withLock { $0 += 1 }
                            // Write 17 points at a parent that does not exist: accepted now, refused at COMMIT.
                            try connection.execute(
                                "INSERT INTO child (parent, v) VALUES (?, ?)",
                                [i == 17 ? .integer(999) : .null, .text("c\(i)")])
                        }
                        return (i, true)
                    } catch is SQLiteError {
                        return (i, false)
                    }
                }
            }
            var all: [Int: Bool] = [:]
            for try await (i, ok) in group { all[i] = ok }
            return all
        }
        try await holder
        #expect(outcomes.filter { !$0.value }.keys.sorted() == [17])
        let stored = try await database.readSnapshot { connection in
            try connection.query("SELECT v FROM child ORDER BY id").map { $0[0].stringValue ?? "" }
        }
        #expect(Set(stored) == Set((0..<40).filter { $0 != 17 }.map { "c\($0)" }))
        // The failed batch's writes ran once in it and once alone.
        #expect(runs.count.withLock { $0 } > 40)
    }

    @Test func aWriteIsVisibleToReadersWhenItReturns() async throws {
        let dir = try TemporaryDirectory()
        let database = try Database(path: dir.file("db.sqlite"), readerCount: 1)
        defer { database.close() }
        try await database.write { try $0.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<50 {
                group.addTask {
                    let id = try await database.write { connection -> Int64 in
                        try connection.execute("INSERT INTO t (v) VALUES (?)", [.text("v\(i)")])
                        return connection.lastInsertRowID
                    }
                    let value = try database.readRecentSnapshotWithoutWaiting {
                        try $0.scalar("SELECT v FROM t WHERE id = ?", [.integer(id)])
                    }
                    #expect(value == .text("v\(i)"))
                }
            }
            try await group.waitForAll()
        }
    }
}
