import Foundation
import SQLite
import TestSupport
import Testing

/// The allocation-sparing paths of a point read: `Connection.first`, `Statement.withUTF8(at:)`, `bindText(_:at:)`,
/// text binding from a string's own bytes, and the statement cache's recent-statement list.
struct StatementReadTests {
    private func open(_ dir: TemporaryDirectory) throws -> Connection {
        let connection = try Connection(path: dir.file("test.sqlite"))
        try connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT, b BLOB)")
        return connection
    }

    @Test func firstMapsOnlyTheFirstRow() throws {
        let dir = try TemporaryDirectory()
        let db = try open(dir)
        for s in ["a", "b", "c"] { try db.execute("INSERT INTO t (s) VALUES (?)", [.text(s)]) }
        var calls = 0
        let first = try db.first("SELECT s FROM t WHERE id >= ? ORDER BY id", [.integer(2)]) { row in
            calls += 1
            return row.text(at: 0)
        }
        #expect(first == "b")
        #expect(calls == 1)
        #expect(try db.first("SELECT s FROM t WHERE id = ?", [.integer(9)]) { $0.text(at: 0) } == nil)
        let bound = try db.first("SELECT s FROM t WHERE s = ?", binding: { try $0.bind(.text("c"), at: 1) }) {
            $0.text(at: 0)
        }
        #expect(bound == "c")
        // The statement was reset: no read stays open, and the next use starts afresh.
        #expect(db.isAutocommit)
        #expect(try db.first("SELECT count(*) FROM t") { $0.int64(at: 0) } == 3)
    }

    @Test func firstResetsTheStatementWhenMapThrows() throws {
        struct Refused: Error {}
        let dir = try TemporaryDirectory()
        let db = try open(dir)
        try db.execute("INSERT INTO t (s) VALUES ('x')")
        #expect(throws: Refused.self) { _ = try db.first("SELECT s FROM t") { _ in throw Refused() } }
        #expect(try db.first("SELECT s FROM t") { $0.text(at: 0) } == "x")
    }

    @Test func withUTF8LendsTheStoredBytes() throws {
        let dir = try TemporaryDirectory()
        let db = try open(dir)
        try db.execute("INSERT INTO t (s, b) VALUES (?, ?)", [.text("héllo"), .blob([0x7B, 0x7D])])
        try db.execute("INSERT INTO t (s, b) VALUES (NULL, CAST(X'66FF' AS TEXT))")
        let rows = try db.query("SELECT s, b FROM t ORDER BY id") { row in
            (
                row.withUTF8(at: 0) { span in (0..<span.count).map { span[$0] } },
                row.withUTF8(at: 1) { span in (0..<span.count).map { span[$0] } }
            )
        }
        #expect(rows.count == 2)
        #expect(rows[0].0 == Array("héllo".utf8))
        #expect(rows[0].1 == [0x7B, 0x7D])
        #expect(rows[1].0 == [])
        #expect(rows[1].1 == [0x66, 0xFF])
    }

    @Test func textBindsFromTheStringsOwnBytes() throws {
        let dir = try TemporaryDirectory()
        let db = try open(dir)
        let texts = ["", "short", String(repeating: "long text ", count: 20), "nul\u{0}inside", "é✓\u{1F600}"]
        for text in texts { try db.execute("INSERT INTO t (s) VALUES (?)", [.text(text)]) }
        let rows = try db.query("SELECT s, typeof(s), length(CAST(s AS BLOB)) FROM t ORDER BY id")
        #expect(rows.map { $0[0] } == texts.map { .text($0) })
        #expect(rows.allSatisfy { $0[1] == .text("text") })
        #expect(rows.map { $0[2] } == texts.map { .integer(Int64($0.utf8.count)) })
    }

    @Test func bindTextBindsUTF8Bytes() throws {
        let dir = try TemporaryDirectory()
        let db = try open(dir)
        let statement = try db.prepare("SELECT ?1, typeof(?1), ?2")
        let bytes = Array("dé".utf8)
        try statement.bindText(bytes.span, at: 1)
        try statement.bindText([UInt8]().span, at: 2)
        #expect(try statement.step())
        #expect(statement.value(at: 0) == .text("dé"))
        #expect(statement.value(at: 1) == .text("text"))
        #expect(statement.value(at: 2) == .text(""))
        #expect(throws: SQLiteError.self) { try statement.bindText(bytes.span, at: 3) }
    }

    /// Equal SQL in different storage, and more distinct statements than the recent list holds, still find their
    /// cached statement; clearing the cache at its limit clears the recent list too.
    @Test func cacheFindsStatementsByText() throws {
        let dir = try TemporaryDirectory()
        let db = try open(dir)
        let sqls = (0..<20).map { "SELECT \($0) + ?" }
        let statements = try sqls.map { try db.cachedStatement($0) }
        for (sql, statement) in zip(sqls, statements) {
            let rebuilt = String(sql.utf8.map { Character(Unicode.Scalar($0)) })
            #expect(try db.cachedStatement(rebuilt) === statement)
            #expect(try db.cachedStatement(sql) === statement)
        }
        #expect(db.cachedStatementCount == 20)
        db.statementCacheLimit = 20
        let fresh = try db.cachedStatement("SELECT 'new'")
        #expect(db.cachedStatementCount == 1)
        #expect(try db.cachedStatement(sqls[19]) !== statements[19])
        #expect(try db.cachedStatement("SELECT 'new'") === fresh)
        // A recent statement comes back reset with its bindings cleared, as a cached one does.
        let statement = try db.cachedStatement("SELECT ?")
        try statement.bind(.integer(5), at: 1)
        #expect(try statement.step())
        let again = try db.cachedStatement("SELECT ?")
        #expect(try again.step())
        #expect(again.isNull(at: 0))
    }
}
