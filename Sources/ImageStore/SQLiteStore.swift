import SQLite

/// An image store in one SQLite file: its repository and its migrations, opened together, so that a program can use
/// the store without naming anything of SQLite's.
public final class SQLiteStore: Sendable {
    /// The database file.
    public var path: String { database.path }
    /// The repository over the file (which also offers `ImmediateImageReading` and `DjangoTransferStore`).
    public let repository: SQLiteImageRepository
    let database: Database

    private init(database: Database) {
        self.database = database
        self.repository = SQLiteImageRepository(database: database)
    }

    /// Opens (creating if needed) the database file at `path`.
    /// - Parameter readerCount: How many reader connections (and threads) serve snapshot reads; at least 1.
    /// - Throws: `ImageStoreError` when the file cannot be opened as a database.
    public static func open(path: String, readerCount: Int = 4) throws(ImageStoreError) -> SQLiteStore {
        do {
            return SQLiteStore(database: try Database(path: path, readerCount: readerCount))
        } catch {
            throw ImageStoreError(error)
        }
    }

    /// The migrations of `directory`, applied to (or checked against) this file.
    public func migrator(directory: String) -> Migrator {
        Migrator(directory: directory, database: database)
    }

    /// The web console's sessions in this file (migration 0006).
    public var consoleSessions: any ConsoleSessionStore { SQLiteConsoleSessionStore(database: database) }

    /// Uploads per owner and day in this file (migration 0007), for the console's chart.
    public var uploadHistory: any UploadHistory { SQLiteUploadHistory(database: database) }

    /// Finishes the queued work and closes the file; later calls on the repository throw.
    public func close() {
        database.close()
    }
}
