import Foundation
import ImageStore
import PostgreSQL
import SQLite
import TestSupport
import Testing

/// The storage backends the repository suite runs against: SQLite always, PostgreSQL when the tests have a server
/// (see `PostgreSQLTestServer`).
enum RepositoryBackend: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case sqlite, postgresql

    /// The backends to run: PostgreSQL is left out (and said so) without a server, unless `CI` is set.
    static let all: [RepositoryBackend] = PostgreSQLTestServer.isEnabled ? [.sqlite, .postgresql] : [.sqlite]

    var testDescription: String { rawValue }
}

/// A migrated store of one backend with a repository over it and a settable clock: a SQLite file in a temp
/// directory (`TestStore`), or a schema of its own on the test server, dropped afterwards.
final class BackendStore: Sendable {
    let backend: RepositoryBackend
    let repository: any ImageRepository
    /// The same repository as the outbox's store.
    let events: any EventStore
    /// The same repository as the Cloudflare budget's ledger.
    let cloudflareBudget: any CloudflareBudgetStore
    let clock: TestClock
    let consoleSessions: any ConsoleSessionStore
    let uploadHistory: any UploadHistory
    private let sqlite: TestStore?
    private let postgresql: PostgreSQLSchema?

    /// A PostgreSQL schema and the pool on it.
    private struct PostgreSQLSchema: Sendable {
        let name: String
        let url: String
        let pool: PostgreSQLPool
    }

    init(_ backend: RepositoryBackend, randomKey: (@Sendable () throws -> String)? = nil) async throws {
        self.backend = backend
        switch backend {
        case .sqlite:
            let store = try await TestStore(randomKey: randomKey)
            sqlite = store
            postgresql = nil
            clock = store.clock
            repository = store.repository
            events = store.repository
            cloudflareBudget = store.repository
            consoleSessions = SQLiteConsoleSessionStore(database: store.database)
            uploadHistory = SQLiteUploadHistory(database: store.database)
        case .postgresql:
            let (name, url) = try PostgreSQLTestServer.makeSchema(prefix: "store")
            let pool = PostgreSQLPool(url: url, size: 4, name: "test-pg")
            let clock = TestClock(Date(timeIntervalSince1970: 1_750_000_000))
            self.clock = clock
            sqlite = nil
            postgresql = PostgreSQLSchema(name: name, url: url, pool: pool)
            let postgreSQLRepository = PostgreSQLImageRepository(
                pool: pool, randomKey: randomKey ?? SQLiteImageRepository.randomHexKey, clock: { clock.now })
            repository = postgreSQLRepository
            events = postgreSQLRepository
            cloudflareBudget = postgreSQLRepository
            consoleSessions = PostgreSQLConsoleSessionStore(pool: pool)
            uploadHistory = PostgreSQLUploadHistory(pool: pool)
            try await Migrator(directory: TestPaths.repository + "/Migrations", pool: pool).apply()
        }
    }

    /// Another instance on the same PostgreSQL database (its own pool and connections, the same clock); nil on
    /// SQLite, which one process owns.
    func otherInstance() -> PostgreSQLImageRepository? {
        guard let postgresql else { return nil }
        let clock = clock
        return PostgreSQLImageRepository(
            pool: PostgreSQLPool(url: postgresql.url, size: 4, name: "test-pg-b"), clock: { clock.now })
    }

    /// Another repository on the same store whose list page boundaries are `listPageInterval` rows apart, and how
    /// many boundaries it has cached.
    func repository(listPageInterval: Int) -> (any ImageRepository, cachedBoundaries: @Sendable () -> Int) {
        let clock = clock
        if let sqlite {
            let repository = SQLiteImageRepository(
                database: sqlite.database, clock: { clock.now }, listPageInterval: listPageInterval)
            return (repository, { repository.cachedListBoundaryCount })
        }
        guard let postgresql else { preconditionFailure("a store has one backend") }
        let repository = PostgreSQLImageRepository(
            pool: postgresql.pool, clock: { clock.now }, listPageInterval: listPageInterval)
        return (repository, { repository.cachedListBoundaryCount })
    }

    /// A repository standing for another process on the same database: on SQLite its own `Database` on the file
    /// (as `cfimages sync` would open), on PostgreSQL another instance's pool.
    func anotherProcess() throws -> any ImageRepository {
        if let sqlite {
            let other = try Database(path: sqlite.database.path, readerCount: 1)
            return SQLiteImageRepository(database: other)
        }
        guard let other = otherInstance() else { preconditionFailure("a store has one backend") }
        return other
    }

    /// PostgreSQL's plan for `sql` (`EXPLAIN`, one line per row) with sorting and sequential scans made as costly
    /// as the planner allows, so a plan that still sorts cannot do without it; empty on SQLite.
    func postgreSQLPlan(_ sql: String) throws -> [String] {
        guard let postgresql else { return [] }
        let connection = try PostgreSQLConnection(url: postgresql.url)
        try connection.executeScript("SET enable_sort = off; SET enable_seqscan = off")
        return try connection.query("EXPLAIN " + sql) { $0.optionalText(at: 0) ?? "" }
    }

    /// The first column of the first row of `sql` as an integer, read on a separate connection: what is really
    /// stored.
    func scalar(_ sql: String) throws -> Int64? {
        if let sqlite { return try sqlite.inspect().scalar(sql)?.int64Value }
        guard let postgresql else { return nil }
        return try PostgreSQLConnection(url: postgresql.url).scalarInt(sql)
    }

    /// The first column of every row of `sql` as text, read on a separate connection.
    func texts(_ sql: String) throws -> [String?] {
        if let sqlite { return try sqlite.inspect().query(sql) { $0.isNull(at: 0) ? nil : $0.text(at: 0) } }
        guard let postgresql else { return [] }
        return try PostgreSQLConnection(url: postgresql.url).query(sql) { $0.optionalText(at: 0) }
    }

    /// Runs a statement on a separate connection (to store what the repository would refuse to write).
    func execute(_ sql: String) throws {
        if let sqlite {
            try Connection(path: sqlite.directory + "/cfimages.sqlite", mode: .readWrite).execute(sql)
            return
        }
        guard let postgresql else { return }
        try PostgreSQLConnection(url: postgresql.url).executeScript(sql)
    }

    deinit {
        if let postgresql {
            postgresql.pool.close()
            PostgreSQLTestServer.dropSchema(postgresql.name)
        }
    }
}
