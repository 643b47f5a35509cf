/// Errors of the image store: every error its public API throws is one of these (or the caller's own, thrown by a
/// closure it passed in), whatever the backend. Database failures keep the backend's code and message for logs.
public enum ImageStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Another image already has this Cloudflare ID.
    case duplicateCloudflareID(String)
    /// Another image already has this UUID.
    case duplicateImageID(String)
    /// The query cannot be run (for example a metadata key containing `"`).
    case invalidQuery(String)
    /// A stored value could not be read back (bad UUID or JSON); names the table and column.
    case corruptRow(String)
    /// `recordSyncPage` was called for a scope with no checkpoint (no run begun, or it was finished meanwhile).
    case noSyncInProgress(String)
    /// The import ledger already has this line hash.
    case duplicateImportLine(String)
    /// The database was locked elsewhere for longer than the wait allowed (or, for a read that must not wait, at
    /// all): the same call may succeed later.
    case busy(DatabaseFailure)
    /// A constraint of the schema (UNIQUE, CHECK, NOT NULL, FOREIGN KEY) refused a write that no case above names.
    case constraintViolation(DatabaseFailure)
    /// The database file failed: corrupt, not a database, I/O error, disk full, read-only, cannot be opened.
    case fileFailure(DatabaseFailure)
    /// Any other database failure, use after close included.
    case databaseFailure(DatabaseFailure)

    public var description: String {
        switch self {
        case .duplicateCloudflareID(let id): "an image with Cloudflare ID \(id) already exists"
        case .duplicateImageID(let id): "an image with ID \(id) already exists"
        case .invalidQuery(let reason): "invalid image query: \(reason)"
        case .corruptRow(let what): "stored value cannot be read: \(what)"
        case .noSyncInProgress(let scope): "no sync run in progress for \(scope)"
        case .duplicateImportLine(let hash): "import line \(hash) was already imported"
        case .busy(let failure): "database busy: \(failure)"
        case .constraintViolation(let failure): "constraint violated: \(failure)"
        case .fileFailure(let failure): "database file failed: \(failure)"
        case .databaseFailure(let failure): "\(failure)"
        }
    }

    /// The database's own failure (busy, constraint, file, other), as opposed to one about the request: what the
    /// service counts as a database error.
    public var underlyingDatabaseFailure: DatabaseFailure? {
        switch self {
        case .busy(let failure), .constraintViolation(let failure), .fileFailure(let failure),
            .databaseFailure(let failure):
            failure
        case .duplicateCloudflareID, .duplicateImageID, .invalidQuery, .corruptRow, .noSyncInProgress,
            .duplicateImportLine:
            nil
        }
    }
}
