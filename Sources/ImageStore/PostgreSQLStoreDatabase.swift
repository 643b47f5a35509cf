import PostgreSQL

/// The store's connection pool to PostgreSQL, with every `PostgreSQLError` that leaves it turned into an
/// `ImageStoreError`. Inside a body PostgreSQL's errors are still themselves, so a body can catch the ones it expects.
struct PostgreSQLStoreDatabase: Sendable {
    let pool: PostgreSQLPool

    /// One statement's worth of reading (a single statement sees one snapshot by itself): no transaction around it.
    func read<T: Sendable>(_ body: @escaping @Sendable (PostgreSQLSession) throws -> T) async throws -> T {
        do {
            return try await pool.withConnection { try body(PostgreSQLSession($0)) }
        } catch {
            throw ImageStoreError.mappedPostgreSQL(error)
        }
    }

    /// One snapshot for every statement of `body` (`REPEATABLE READ READ ONLY`), holding every commit made before
    /// the call, by any instance.
    func readSnapshot<T: Sendable>(_ body: @escaping @Sendable (PostgreSQLSession) throws -> T) async throws -> T {
        do {
            return try await pool.withConnection { connection in
                let session = PostgreSQLSession(connection)
                try session.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                do {
                    let value = try body(session)
                    try session.execute("COMMIT")
                    return value
                } catch {
                    if connection.isOpen, connection.isInTransaction { _ = try? connection.execute("ROLLBACK") }
                    throw error
                }
            }
        } catch {
            throw ImageStoreError.mappedPostgreSQL(error)
        }
    }

    /// One transaction (`READ COMMITTED`; bodies lock the rows they read to change), committed when this returns;
    /// retried on a serialization failure or deadlock, so `body` may run more than once.
    func write<T: Sendable>(_ body: @escaping @Sendable (PostgreSQLSession) throws -> T) async throws -> T {
        do {
            return try await pool.transaction { try body(PostgreSQLSession($0)) }
        } catch {
            throw ImageStoreError.mappedPostgreSQL(error)
        }
    }

    /// `body` runs one statement, which PostgreSQL commits by itself (no `BEGIN`/`COMMIT` round trips): atomic,
    /// committed when this returns. For a change that one statement makes whole; several would each commit alone.
    func writeStatement<T: Sendable>(_ body: @escaping @Sendable (PostgreSQLSession) throws -> T) async throws -> T {
        try await read(body)
    }

    /// Exclusive use of one connection with no transaction around `body` (migrations).
    func withSession<T: Sendable>(_ body: @escaping @Sendable (PostgreSQLSession) throws -> T) async throws -> T {
        try await read(body)
    }
}
