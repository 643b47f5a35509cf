import PostgreSQL

/// An image store in one PostgreSQL database, shared by any number of instances: its repository, its migrations
/// and the other storage the service needs, opened together, so that a program can use the store without naming
/// anything of PostgreSQL's.
public final class PostgreSQLStore: Sendable {
    /// The repository over the database.
    public let repository: PostgreSQLImageRepository
    /// How messages name the database (the URL without its password, as the caller gave it).
    public let name: String
    let pool: PostgreSQLPool

    private init(pool: PostgreSQLPool, name: String) {
        self.pool = pool
        self.name = name
        self.repository = PostgreSQLImageRepository(pool: pool)
    }

    /// A store on the database at `url` (`postgresql://user:pass@host:port/db?sslmode=...`, or
    /// `postgresql:///db?host=/socket/dir`), with up to `connectionCount` connections (each on its own thread).
    /// Connections open when first needed; `check()` opens one now. `name` is how messages show the database
    /// (never with a password).
    public static func open(url: String, name: String = "PostgreSQL", connectionCount: Int = 8) -> PostgreSQLStore {
        PostgreSQLStore(pool: PostgreSQLPool(url: url, size: connectionCount, name: "pg"), name: name)
    }

    /// Opens a connection (if none is open) and runs a trivial query.
    /// - Throws: `ImageStoreError` when the server cannot be reached or refuses the login.
    public func check() async throws {
        do {
            try await pool.check()
        } catch {
            throw ImageStoreError.mappedPostgreSQL(error)
        }
    }

    /// The migrations of `directory` (its `postgresql/` folder), applied to (or checked against) this database.
    public func migrator(directory: String) -> Migrator {
        Migrator(directory: directory, pool: pool)
    }

    /// The web console's sessions (migration 0006).
    public var consoleSessions: any ConsoleSessionStore { PostgreSQLConsoleSessionStore(pool: pool) }

    /// Uploads per owner and day (migration 0007).
    public var uploadHistory: any UploadHistory { PostgreSQLUploadHistory(pool: pool) }

    /// Finishes the queued work and closes the connections; later calls throw.
    public func close() {
        pool.close()
    }
}
