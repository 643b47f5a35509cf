import Foundation
import SQLite
import TestSupport
import Testing

struct ConnectionTests {
    private func open(_ dir: TemporaryDirectory) throws -> Connection {
        let connection = try Connection(path: dir.file("test.sqlite"))
        try connection.execute(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, i INTEGER, r REAL, s TEXT, b BLOB, u TEXT UNIQUE)")
        return connection
    }

    @Test func bindsAndReadsEveryType() throws {
        let dir = try TemporaryDirectory()
        let db = try open(dir)
        let values: [SQLiteValue] = [.integer(Int64.min), .real(3.25), .text("héllo ✓ \u{0}x"), .blob([0, 1, 255])]
        try db.execute("INSERT INTO t (i, r, s, b) VALUES (?, ?, ?, ?)", values)
        let rows = try db.query("SELECT i, r, s, b FROM t")
        #expect(rows.count == 1)
        #expect(rows[0].values == values)
        #expect(rows[0]["s"] == .text("héllo ✓ \u{0}x"))
        #expect(rows[0]["missing"] == nil)
    }

    @Test func bindsByName() throws {
        let dir = try TemporaryDirectory()
        let db = try open(dir)
        let insert = try db.prepare("INSERT INTO t (i, s) VALUES (:i, :s)")
        try insert.bind([":i": .integer(7), ":s": .text("seven")])
        try insert.run()
        #expect(throws: SQLiteError.self) { try insert.bind(.null, named: ":nope") }
        let select = try db.prepare("SELECT i, s FROM t WHERE i = ?")
        try select.bind(.integer(7), at: 1)
        #expect(try select.step())
        #expect(try select.columnIndex(named: "s") == 1)
        #expect(try select.value(named: "s") == .text("seven"))
        #expect(select.int64(at: 0) == 7)
        #expect(try !select.step())
    }

    @Test func nullsAndEmptyBlobs() throws {
        let dir = try TemporaryDirectory()
        let db = try open(dir)
        try db.execute("INSERT INTO t (i, r, s, b) VALUES (?, ?, ?, ?)", [.null, .null, .text(nil), .blob([])])
        let row = try #require(try db.query("SELECT i, r, s, b, typeof(b) FROM t").first)
        #expect(row[0] == .null)
        #expect(row[1].isNull)
        #expect(row[2] == .null)
        #expect(row[3] == .blob([]))
        #expect(row[4] == .text("blob"))
    }

    @Test func constraintErrorsCarrySQLiteMessage() throws {
        let dir = try TemporaryDirectory()
        let db = try open(dir)
        try db.execute("INSERT INTO t (u) VALUES (?)", ["same"])
        let error = #expect(throws: SQLiteError.self) {
            try db.execute("INSERT INTO t (u) VALUES (?)", ["same"])
        }
        #expect(error?.isConstraintUnique == true)
        #expect(error?.isConstraint == true)
        #expect(error?.isBusy == false)
        #expect(error?.message.contains("UNIQUE constraint failed: t.u") == true)
    }

    @Test func syntaxErrorsCarrySQLiteMessage() throws {
        let dir = try TemporaryDirectory()
        let db = try open(dir)
        let error = #expect(throws: SQLiteError.self) { try db.prepare("SELEC 1") }
        #expect(error?.message.contains("syntax error") == true)
        let execError = #expect(throws: SQLiteError.self) { try db.execute("CREATE TABLE t (x)") }
        #expect(execError?.message.contains("already exists") == true)
    }

    @Test func transactionRollsBackOnThrow() throws {
        struct Boom: Error {}
        let dir = try TemporaryDirectory()
        let db = try open(dir)
        #expect(throws: Boom.self) {
            try db.transaction {
                try db.execute("INSERT INTO t (i) VALUES (?)", [1])
                throw Boom()
            }
        }
        #expect(db.isAutocommit)
        #expect(try db.scalar("SELECT count(*) FROM t") == .integer(0))
        try db.transaction { try db.execute("INSERT INTO t (i) VALUES (?)", [2]) }
        #expect(try db.scalar("SELECT count(*) FROM t") == .integer(1))
        #expect(db.changes == 1)
        #expect(db.lastInsertRowID == 1)
    }

    @Test func savepointRollsBackOnlyItsPart() throws {
        struct Boom: Error {}
        let dir = try TemporaryDirectory()
        let db = try open(dir)
        try db.transaction {
            try db.execute("INSERT INTO t (i) VALUES (?)", [1])
            _ = try? db.savepoint("inner") {
                try db.execute("INSERT INTO t (i) VALUES (?)", [2])
                throw Boom()
            }
        }
        #expect(try db.query("SELECT i FROM t").map(\.values) == [[.integer(1)]])
    }

    @Test func walModeAndForeignKeysAreOn() throws {
        let dir = try TemporaryDirectory()
        let db = try open(dir)
        #expect(try db.scalar("PRAGMA journal_mode") == .text("wal"))
        #expect(try db.scalar("PRAGMA foreign_keys") == .integer(1))
    }

    @Test func statementCacheReusesPreparedStatements() throws {
        let dir = try TemporaryDirectory()
        let db = try open(dir)
        let sql = "SELECT s FROM t WHERE id = ?"
        let first = try db.cachedStatement(sql)
        try first.bind([.integer(1)])
        let second = try db.cachedStatement(sql)
        #expect(first === second)
        let countBefore = db.cachedStatementCount
        for id in 0..<100 { _ = try db.scalar(sql, [.integer(Int64(id))]) }
        #expect(db.cachedStatementCount == countBefore)
    }

    @Test func scalarWithoutRowsIsNil() throws {
        let dir = try TemporaryDirectory()
        let db = try open(dir)
        #expect(try db.scalar("SELECT i FROM t WHERE id = ?", [.integer(42)]) == nil)
        try db.execute("INSERT INTO t (i) VALUES (NULL)")
        #expect(try db.scalar("SELECT i FROM t") == .null)
    }

    @Test func invalidUTF8TextDoesNotCrash() throws {
        let dir = try TemporaryDirectory()
        let db = try open(dir)
        try db.execute("INSERT INTO t (s) VALUES (CAST(X'66FF6F80' AS TEXT))")
        let value = try db.scalar("SELECT s FROM t")
        #expect(value == .text("f\u{FFFD}o\u{FFFD}"))
    }

    @Test func readerSeesCommittedSnapshotWhileWriterHoldsTransaction() throws {
        let dir = try TemporaryDirectory()
        let writer = try open(dir)
        try writer.execute("INSERT INTO t (i) VALUES (?)", [1])
        let reader = try Connection(path: dir.file("test.sqlite"), mode: .readOnly)
        try writer.transaction {
            try writer.execute("INSERT INTO t (i) VALUES (?)", [2])
            #expect(try reader.scalar("SELECT count(*) FROM t") == .integer(1))
        }
        #expect(try reader.scalar("SELECT count(*) FROM t") == .integer(2))
    }

    @Test func openingAMissingFileReadOnlyFails() throws {
        let dir = try TemporaryDirectory()
        let error = #expect(throws: SQLiteError.self) {
            try Connection(path: dir.file("missing.sqlite"), mode: .readOnly)
        }
        #expect(error?.message.isEmpty == false)
    }
}
