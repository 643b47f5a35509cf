/// The store a program runs on, whichever backend: the one composition point the `cfimages` commands open, so each
/// of them works on SQLite and on PostgreSQL alike.
public enum ImageStorage: Sendable {
    /// One SQLite file, one instance.
    case sqlite(SQLiteStore)
    /// One PostgreSQL database, any number of instances.
    case postgresql(PostgreSQLStore)

    /// The image repository (a SQLite one also offers `ImmediateImageReading`).
    public var repository: any ImageRepository {
        switch self {
        case .sqlite(let store): store.repository
        case .postgresql(let store): store.repository
        }
    }

    /// The migrations of `directory` (its `sqlite/` or `postgresql/` folder) for this store.
    public func migrator(directory: String) -> Migrator {
        switch self {
        case .sqlite(let store): store.migrator(directory: directory)
        case .postgresql(let store): store.migrator(directory: directory)
        }
    }

    /// The web console's sessions.
    public var consoleSessions: any ConsoleSessionStore {
        switch self {
        case .sqlite(let store): store.consoleSessions
        case .postgresql(let store): store.consoleSessions
        }
    }

    /// Uploads per owner and day, for the console's chart.
    public var uploadHistory: any UploadHistory {
        switch self {
        case .sqlite(let store): store.uploadHistory
        case .postgresql(let store): store.uploadHistory
        }
    }

    /// Event endpoints, the outbox and its deliveries.
    public var events: any EventStore {
        switch self {
        case .sqlite(let store): store.repository
        case .postgresql(let store): store.repository
        }
    }

    /// The Cloudflare request budget every process on this database books from.
    public var cloudflareBudget: any CloudflareBudgetStore {
        switch self {
        case .sqlite(let store): store.repository
        case .postgresql(let store): store.repository
        }
    }

    /// The Django dump import and export.
    public var djangoTransfer: any DjangoTransferStore {
        switch self {
        case .sqlite(let store): store.repository
        case .postgresql(let store): store.repository
        }
    }

    /// What the store is, for messages: the file's path, or the URL without its password.
    public var name: String {
        switch self {
        case .sqlite(let store): store.path
        case .postgresql(let store): store.name
        }
    }

    /// Finishes the queued work and closes the store.
    public func close() {
        switch self {
        case .sqlite(let store): store.close()
        case .postgresql(let store): store.close()
        }
    }
}
