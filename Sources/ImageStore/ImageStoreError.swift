/// Errors of the image store. SQLite failures other than these surface as `SQLiteError`.
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

    public var description: String {
        switch self {
        case .duplicateCloudflareID(let id): "an image with Cloudflare ID \(id) already exists"
        case .duplicateImageID(let id): "an image with ID \(id) already exists"
        case .invalidQuery(let reason): "invalid image query: \(reason)"
        case .corruptRow(let what): "stored value cannot be read: \(what)"
        case .noSyncInProgress(let scope): "no sync run in progress for \(scope)"
        case .duplicateImportLine(let hash): "import line \(hash) was already imported"
        }
    }
}
