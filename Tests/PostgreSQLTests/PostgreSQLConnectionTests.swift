import Foundation
import PostgreSQL
import TestSupport
import Testing

@Suite(.enabled(if: PostgreSQLTestServer.isEnabled))
struct PostgreSQLConnectionTests {
    @Test func parametersRoundTripAndNullsAreNull() throws {
        let (schema, url) = try PostgreSQLTestServer.makeSchema()
        defer { PostgreSQLTestServer.dropSchema(schema) }
        let connection = try PostgreSQLConnection(url: url)
        let result = try connection.execute(
            "SELECT $1::text, $2::bigint, $3::text IS NULL, $4::boolean",
            [.text("it's 'quoted'"), .integer(-42), .null, .bool(true)])
        #expect(result.rowCount == 1)
        let row = result.row(0)
        #expect(row.text(at: 0) == "it's 'quoted'")
        #expect(row.int64(at: 1) == -42)
        #expect(row.bool(at: 2))
        #expect(row.bool(at: 3))
        #expect(try connection.scalarText("SELECT NULL::text") == nil)
    }

    @Test func errorsCarrySQLStateMessageAndConstraint() throws {
        let (schema, url) = try PostgreSQLTestServer.makeSchema()
        defer { PostgreSQLTestServer.dropSchema(schema) }
        let connection = try PostgreSQLConnection(url: url)
        try connection.executeScript("CREATE TABLE t (k TEXT CONSTRAINT t_k_key UNIQUE); INSERT INTO t VALUES ('a')")
        do {
            try connection.execute("INSERT INTO t VALUES ($1)", [.text("a")])
            Issue.record("a duplicate was stored")
        } catch {
            #expect(error.sqlState == "23505")
            #expect(error.isUniqueViolation)
            #expect(error.constraint == "t_k_key")
            #expect(error.message.contains("duplicate key"))
            #expect(!error.isConnectionLost)
        }
        do {
            try connection.execute("SELEC 1")
            Issue.record("bad SQL ran")
        } catch {
            #expect(error.sqlState == "42601")
        }
        #expect(try connection.execute("UPDATE t SET k = k").affectedRows == 1)
    }

    @Test func transactionRollsBackWhenTheBodyThrows() throws {
        let (schema, url) = try PostgreSQLTestServer.makeSchema()
        defer { PostgreSQLTestServer.dropSchema(schema) }
        let connection = try PostgreSQLConnection(url: url)
        try connection.execute("CREATE TABLE t (k BIGINT)")
        struct Refused: Error {}
        #expect(throws: Refused.self) {
            try connection.transaction {
                try connection.execute("INSERT INTO t VALUES (1)")
                throw Refused()
            }
        }
        #expect(try connection.scalarInt("SELECT count(*) FROM t") == 0)
        #expect(!connection.isInTransaction)
    }

    @Test func unreachableServerIsAConnectionError() {
        do {
            _ = try PostgreSQLConnection(url: "postgresql:///nowhere?host=/nonexistent-socket-dir&connect_timeout=2")
            Issue.record("connected to nothing")
        } catch {
            #expect(error.isConnectionLost)
            #expect(!error.message.isEmpty)
        }
    }

    /// A connection the server ends fails the call that finds out; the pool's next call opens a new one.
    @Test func poolReconnectsAfterTheServerDropsTheConnection() async throws {
        let (schema, url) = try PostgreSQLTestServer.makeSchema()
        defer { PostgreSQLTestServer.dropSchema(schema) }
        let pool = PostgreSQLPool(url: url, size: 1)
        defer { pool.close() }
        let pid = try await pool.withConnection { try $0.scalarInt("SELECT pg_backend_pid()") ?? 0 }
        let killer = try PostgreSQLConnection(url: url)
        try killer.execute("SELECT pg_terminate_backend($1::int)", [.integer(pid)])
        do {
            _ = try await pool.withConnection { try $0.scalarInt("SELECT 1") }
            Issue.record("a terminated connection answered")
        } catch let error as PostgreSQLError {
            #expect(error.isConnectionLost)
        }
        let again = try await pool.withConnection { try $0.scalarInt("SELECT pg_backend_pid()") ?? 0 }
        #expect(again != pid)
    }
}
