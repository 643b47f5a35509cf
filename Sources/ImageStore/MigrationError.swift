/// Why migrations could not be found, checked or applied.
public enum MigrationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No migrations folder in any of the places searched.
    case directoryNotFound(searched: [String])
    /// A migration file could not be read (or is not UTF-8).
    case unreadableFile(path: String, reason: String)
    /// Two files share a version number.
    case duplicateVersion(Int, files: [String])
    /// An applied migration's file has changed since it was applied.
    case checksumMismatch(version: Int, name: String, applied: String, onDisk: String)
    /// The database records a migration that has no file (the database is newer than this program).
    case unknownAppliedMigration(version: Int, name: String)
    /// A migration's SQL failed; the database is as it was before that migration.
    case failed(version: Int, name: String, message: String)

    public var description: String {
        switch self {
        case .directoryNotFound(let searched):
            "no Migrations folder found; looked in: \(searched.joined(separator: ", ")) "
                + "(set CFIMAGES_MIGRATIONS_DIR to the folder holding NNNN_name.sql files)"
        case .unreadableFile(let path, let reason):
            "cannot read migration \(path): \(reason)"
        case .duplicateVersion(let version, let files):
            "migration version \(version) is used by more than one file: \(files.joined(separator: ", "))"
        case .checksumMismatch(let version, let name, let applied, let onDisk):
            "migration \(version)_\(name) was changed after it was applied (applied checksum \(applied), file \(onDisk)); "
                + "add a new migration instead of editing an applied one"
        case .unknownAppliedMigration(let version, let name):
            "the database has migration \(version)_\(name) applied but no such file exists; "
                + "this program is older than the database"
        case .failed(let version, let name, let message):
            "migration \(version)_\(name) failed and was rolled back: \(message)"
        }
    }
}
