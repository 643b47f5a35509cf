import Foundation

/// Storage for moving data in from a django-cloudflareimages-toolkit `dumpdata` file and back out again
/// (`cfimages import-django`, `cfimages export-django`): rows written with their original ids and timestamps (and no
/// log row of our own), and everything read back from one snapshot. Implemented by both repositories, with one
/// `DjangoImportRun` and `DjangoExportRun` over a `StoreSession` of each.
public protocol DjangoTransferStore: Sendable {
    /// Runs `body` on the writer with exclusive use of it. Writes made through the `DjangoImportWriter` between two
    /// `commit()` calls are one transaction; what is not committed when `body` returns or throws is rolled back.
    /// With `dryRun`, `commit()` commits nothing and everything is rolled back at the end, while every later check
    /// of the run still sees the earlier writes (so a dry run reports exactly what a real one would do).
    func withDjangoImport<T: Sendable>(
        dryRun: Bool, _ body: @escaping @Sendable (any DjangoImportWriter) throws -> T
    ) async throws -> T

    /// Runs `body` in one read snapshot, in which the `DjangoExportReader` streams every row.
    func withDjangoExport<T: Sendable>(
        _ body: @escaping @Sendable (any DjangoExportReader) throws -> T
    ) async throws -> T
}

/// Writes imported rows, each checked against what is stored so that importing the same row again changes nothing.
/// Used only inside `DjangoTransferStore.withDjangoImport`, on its thread.
public protocol DjangoImportWriter: AnyObject {
    /// Stores the image with its UUID and every field (`usageCount` is ignored: the usage rows set it). An image
    /// already stored under the same id is updated when it differs and the stored row is not newer (`updatedAt`);
    /// a Cloudflare id another image has is a conflict.
    func importImage(_ image: ImageRecord) throws -> DjangoImportOutcome

    /// Stores the log row under its `id` when that id is free (else under a new one), with its timestamp.
    func importLog(_ entry: UploadLogEntry) throws -> DjangoImportOutcome

    /// Stores the usage with its timestamps and source, keyed by (content type, object, field), under its `id` when
    /// free. Images keep the `lastReferencedAt` they were imported with.
    func importUsage(_ usage: ImageUsage) throws -> DjangoImportOutcome

    /// Stores a token whose key is known (only its hash is kept), keyed by that hash.
    func importToken(_ token: DjangoImportedToken) throws -> DjangoImportOutcome

    /// Ends the current batch: commits it (nothing in a dry run) and begins the next.
    func commit() throws
}

/// Streams the stored rows for an export, inside one snapshot.
public protocol DjangoExportReader: AnyObject {
    /// Every user name that owns an image or holds a token, by name.
    func users() throws -> [DjangoTransferUser]

    /// Every image, by id.
    func forEachImage(_ body: (ImageRecord) throws -> Void) throws

    /// Every log row, by id.
    func forEachLog(_ body: (UploadLogEntry) throws -> Void) throws

    /// Every usage row, by id.
    func forEachUsage(_ body: (ImageUsage) throws -> Void) throws
}

/// What importing one row did.
public enum DjangoImportOutcome: Sendable, Hashable {
    case created
    /// A stored row with the same identity differed and was brought in line with the imported one.
    case updated
    case unchanged
    /// A stored row with the same identity was changed after the imported one (later `updatedAt`) and was kept.
    case keptNewer
    /// The row references an image that is not stored.
    case missingImage(UUID)
    /// The row clashes with a stored one that is not the same object (the reason says which).
    case conflict(String)
}

/// A token to import: its plaintext `key` is hashed as `createToken` hashes keys and never stored.
public struct DjangoImportedToken: Sendable {
    public var key: String
    public var userName: String
    public var isAdmin: Bool
    public var label: String
    public var createdAt: Date
    /// Stored revoked (the key stops working), for an inactive user.
    public var revoked: Bool

    public init(key: String, userName: String, isAdmin: Bool, label: String, createdAt: Date, revoked: Bool) {
        self.key = key
        self.userName = userName
        self.isAdmin = isAdmin
        self.label = label
        self.createdAt = createdAt
        self.revoked = revoked
    }
}

/// A user as the store knows one: a name that owns images or holds tokens.
public struct DjangoTransferUser: Sendable, Hashable {
    public var name: String
    /// The user's tokens (keys are never stored), oldest first.
    public var tokens: [APIToken]
    /// When the user's first image was created; nil when they own none.
    public var firstImageCreatedAt: Date?

    public init(name: String, tokens: [APIToken], firstImageCreatedAt: Date?) {
        self.name = name
        self.tokens = tokens
        self.firstImageCreatedAt = firstImageCreatedAt
    }
}
