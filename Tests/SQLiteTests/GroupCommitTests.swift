import Foundation
import SQLite
import Testing

/// Concurrent `Database.write` calls share transactions; each still commits or rolls back on its own.
struct GroupCommitTests {
    struct Refused: Error, Equatable { let index: Int }

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
        let stored = try await database.read { connection in
            try connection.query("SELECT v FROM t ORDER BY id").map { $0[0].stringValue ?? "" }
        }
        #expect(Set(stored) == Set(expected.map { "v\($0)" }))
        #expect(stored.count == expected.count)
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
                    let value = try database.readNow { try $0.scalar("SELECT v FROM t WHERE id = ?", [.integer(id)]) }
                    #expect(value == .text("v\(i)"))
                }
            }
            try await group.waitForAll()
        }
    }
}
