import Foundation

/// Storage for tracked images, their logs, API tokens and webhook deliveries.
///
/// Every method that changes an image writes its `image_upload_logs` row in the same transaction. `owner` parameters
/// scope a lookup to one user; nil means any owner (administrators). Every read sees one consistent snapshot that
/// holds every write made through this repository before the call; every method that writes is one transaction,
/// committed when it returns. Errors are `ImageStoreError` (or what a caller's closure threw).
/// Implementations: `SQLiteImageRepository`. A backend that can also answer point reads without waiting offers
/// `ImmediateImageReading` besides.
public protocol ImageRepository: Sendable {
    // MARK: Images

    /// Stores a new image and its first log row. Returns the record as stored (timestamps at microsecond precision).
    /// - Throws: `ImageStoreError.duplicateCloudflareID` when the Cloudflare ID is taken.
    func insert(_ image: ImageRecord, log: LogEvent) async throws -> ImageRecord

    /// The image with this key, if it exists and belongs to `owner` (any owner when nil).
    func image(_ key: ImageKey, owner: String?) async throws -> ImageRecord?

    /// The images with these UUIDs (in scope), in no particular order; unknown IDs are skipped. One snapshot holding
    /// every commit made before the call, by any process.
    func images(ids: [UUID], owner: String?) async throws -> [ImageRecord]

    /// The images with these Cloudflare IDs (in scope), in no particular order; unknown IDs are skipped.
    func images(cloudflareIDs: [String], owner: String?) async throws -> [ImageRecord]

    /// One page of the images matching `query`, and the number of matches.
    func list(_ query: ImageQuery) async throws -> ImagePage

    /// A number that changes whenever any image is inserted, changed or deleted, by this process or another: what
    /// was derived from the images at one generation still holds while the generation reads the same.
    func imagesGeneration() async throws -> Int64

    /// Reads the image, lets `body` change it and return the log row to write, and stores both in one transaction
    /// (`updatedAt` is set to now; `id` and `createdAt` cannot change). In the same transaction, records the
    /// follow-up `owing` (if not owed already) and removes the one `settling`. A throw from `body` changes nothing.
    /// Returns nil, writing nothing, when the image is not found in scope.
    func update(
        _ key: ImageKey,
        owner: String?,
        owing: CloudflareFollowUp.Kind?,
        settling: CloudflareFollowUp.Kind?,
        _ body: @escaping @Sendable (inout ImageRecord) throws -> LogEvent
    ) async throws -> ImageRecord?

    /// Deletes the image (its logs go with it). Returns whether it existed in scope.
    func delete(_ key: ImageKey, owner: String?) async throws -> Bool

    // MARK: Logs

    /// Appends a log row to an existing image. Returns false when the image does not exist.
    func appendLog(imageID: UUID, _ event: LogEvent) async throws -> Bool

    /// The image's log rows, newest first.
    func logs(imageID: UUID, limit: Int?) async throws -> [UploadLogEntry]

    // MARK: Statistics

    /// Counts per status, total file size and signed-URL count for one owner, or for everyone when nil.
    func counts(owner: String?) async throws -> ImageCounts

    // MARK: Maintenance

    /// Pending or draft images whose upload URL expired before `now`: how many there are and the first `limit`.
    func expirable(now: Date, limit: Int) async throws -> ImagePage

    /// Marks one image expired, with `log`, if it is still pending or draft with `expires_at < cutoff`; in the same
    /// transaction records the follow-up `owing`. Returns the updated record, or nil when it no longer qualifies.
    func expire(
        _ id: UUID, expiringBefore cutoff: Date, log: LogEvent, owing: CloudflareFollowUp.Kind?
    ) async throws
        -> ImageRecord?

    /// Follow-ups of `kind`, least recently tried first.
    func cloudflareFollowUps(_ kind: CloudflareFollowUp.Kind, limit: Int) async throws -> [CloudflareFollowUp]

    /// The follow-up of `kind` owed for one image, if any.
    func cloudflareFollowUp(_ kind: CloudflareFollowUp.Kind, imageID: UUID) async throws -> CloudflareFollowUp?

    /// Removes a follow-up once done. Returns whether it existed.
    @discardableResult
    func settleCloudflareFollowUp(_ kind: CloudflareFollowUp.Kind, cloudflareID: String) async throws -> Bool

    /// Counts a failed attempt at a follow-up and keeps its message.
    func recordCloudflareFollowUpFailure(
        _ kind: CloudflareFollowUp.Kind, cloudflareID: String, error: String) async throws

    /// Deletes expired images last updated before `cutoff`. Returns how many were deleted.
    func deleteExpired(updatedBefore cutoff: Date) async throws -> Int

    // MARK: Webhooks

    /// Whether a webhook delivery key is recorded (a redelivery can be acknowledged without any other work).
    func webhookEventSeen(key: String) async throws -> Bool

    /// Records a webhook delivery key. Returns false when it was already recorded.
    func recordWebhookEvent(key: String) async throws -> Bool

    /// In one transaction: if `eventKey` is new and an image has `cloudflareID`, applies `body` (as `update` does),
    /// writes its log row and records the key.
    func applyWebhook(
        eventKey: String,
        cloudflareID: String,
        _ body: @escaping @Sendable (inout ImageRecord) throws -> LogEvent
    ) async throws -> WebhookOutcome

    /// Forgets webhook keys received before `cutoff`. Returns how many.
    func pruneWebhookEvents(receivedBefore cutoff: Date) async throws -> Int

    // MARK: Usages

    /// One page of the usages matching `query`, and the number of matches.
    func usages(_ query: UsageQuery) async throws -> UsagePage

    /// How many usage rows point at the image (0 for an unknown image).
    func usageCount(imageID: UUID) async throws -> Int

    /// In one transaction, upserts each reference, keyed by (content type, object, field): resolves its
    /// `cloudflareID` to the tracked image (none: an unregistered reference), sets `updatedAt` to `at` on every row it
    /// names (so a `pruneUsages` of the same run keeps them), and leaves a `manual` row alone when an `auto`
    /// reference names its field. Images gaining or losing a row are marked referenced at `at`.
    func recordUsages(_ references: [UsageReference], at: Date) async throws -> UsageWriteSummary

    /// Removes the rows of one object (one field of it when `fieldName` is given; of one source when `source` is;
    /// only those pointing at `owner`'s images when `owner` is given). Returns how many; their images are marked
    /// referenced at `at` (the moment they lost a reference).
    func removeUsages(
        contentType: String, objectID: String, fieldName: String?, source: ImageUsage.Source?, owner: String?, at: Date
    ) async throws -> Int

    /// Removes one usage row (when it points at `owner`'s image, if `owner` is given). Returns whether it did.
    func removeUsage(id: Int64, owner: String?, at: Date) async throws -> Bool

    /// Removes the `auto` rows of `contentType` (of one object when `objectID` is given; pointing at `owner`'s
    /// images when `owner` is given) not touched since `cutoff`: what a reconcile of that content type, or a replace
    /// of that object's references, did not name. `manual` rows stay. Returns how many.
    func pruneUsages(
        contentType: String, objectID: String?, untouchedSince cutoff: Date, owner: String?, at: Date
    ) async throws -> Int

    /// Uploaded images with no usage, last referenced (or, never referenced, created) before `cutoff`: how many,
    /// and the first `limit`, oldest first.
    func orphans(unreferencedBefore cutoff: Date, limit: Int) async throws -> ImagePage

    // MARK: Tokens

    /// Creates a token for `userName`. The returned key is shown once; only its hash is stored.
    func createToken(userName: String, isAdmin: Bool, label: String) async throws -> IssuedToken

    /// The user a key belongs to, if the key is known and not revoked. Updates `lastUsedAt` at most once a minute.
    func authenticate(key: String) async throws -> AuthenticatedUser?

    /// Tokens of one user (every user when nil), newest first, revoked ones included.
    func tokens(userName: String?) async throws -> [APIToken]

    /// Revokes a token (of `userName` when given). Returns false when not found or already revoked.
    func revokeToken(id: UUID, userName: String?) async throws -> Bool

    // MARK: Sync (`cfimages sync`)

    /// The saved checkpoint of `scope`, if a run of it has not completed.
    func syncCheckpoint(scope: String) async throws -> SyncCheckpoint?

    /// Starts a run of `scope` from the first page: replaces its checkpoint and forgets the IDs it had seen.
    func beginSync(scope: String, at date: Date) async throws -> SyncCheckpoint

    /// In one transaction: remembers `seen` Cloudflare IDs, counts one more page and saves `continuationToken`
    /// (nil marks the listing complete). Throws `ImageStoreError.noSyncInProgress` when `scope` has no checkpoint.
    func recordSyncPage(scope: String, seen: [String], continuationToken: String?) async throws -> SyncCheckpoint

    /// Images in one of `statuses`, last updated before `updatedBefore`, with `expires_at < expiringBefore` when
    /// given, whose Cloudflare ID the run of `scope` has not seen: how many, and the first `limit` (oldest first).
    func imagesUnseenBySync(
        scope: String, statuses: [ImageStatus], updatedBefore: Date, expiringBefore: Date?, limit: Int
    ) async throws -> ImagePage

    /// Ends the run of `scope`: deletes its checkpoint and seen IDs.
    func finishSync(scope: String) async throws

    // MARK: Import ledger (`cfimages import`)

    /// The ledger entries of those line hashes that were already imported (unknown hashes are absent).
    func importedLines(hashes: [String]) async throws -> [String: ImportLedgerEntry]

    /// Inserts the image, its first log row and the ledger entry of the line it came from, in one transaction.
    /// Throws like `insert`, and `ImageStoreError.duplicateImportLine` when `lineHash` is already recorded.
    func insertImported(
        _ image: ImageRecord, log: LogEvent, lineHash: String, source: String, lineNumber: Int
    ) async throws -> ImageRecord
}

extension ImageRepository {
    /// `update(_:owner:owing:settling:_:)` with no follow-up.
    public func update(
        _ key: ImageKey,
        owner: String?,
        _ body: @escaping @Sendable (inout ImageRecord) throws -> LogEvent
    ) async throws -> ImageRecord? {
        try await update(key, owner: owner, owing: nil, settling: nil, body)
    }

    /// Applies `changes` and writes `log`, in one transaction. Nil when the image is not found in scope.
    public func update(
        _ key: ImageKey, owner: String?, changes: ImageChanges, log: LogEvent
    ) async throws -> ImageRecord? {
        try await update(key, owner: owner) { record in
            changes.apply(to: &record)
            return log
        }
    }

    /// Applies a status transition and writes `log`, in one transaction. Nil when the image is not found in scope.
    public func transition(
        _ key: ImageKey,
        owner: String?,
        to transition: StatusTransition,
        log: LogEvent
    ) async throws -> ImageRecord? {
        try await update(key, owner: owner, changes: transition.changes, log: log)
    }
}
