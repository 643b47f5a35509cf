import CloudflareImages
import Foundation
import ImageStore
import JSON
import Logging

/// `cfimages sync`: brings the database in line with the whole Cloudflare account.
///
/// Pages through `GET images/v2` (oldest first) and, per page: inserts rows for uploaded images not tracked here
/// (owned by `Options.owner`, log `image_registered`), refreshes tracked rows from what Cloudflare lists (a log
/// `image_synced` only when something changed), then saves the continuation token with the page's IDs in one
/// transaction, so an interrupted run resumes at the next page. When the listing ends it reconciles rows Cloudflare
/// did not list (see ``reconcileMissing(_:checkpoint:scope:now:report:)``) and clears the checkpoint.
///
/// Drafts at Cloudflare with no row here are not inserted: their upload may still come through another system's
/// URL, and a row expiring at once would have the cleanup sweep delete the draft.
public final class SyncService: Sendable {
    public struct Options: Sendable {
        /// The owner of inserted rows; without it a page with untracked images stops the run.
        public var owner: String?
        /// Count what would change; write no image row (the run keeps its own scratch checkpoint, deleted at the end).
        public var dryRun: Bool
        /// Ignore a saved checkpoint and start from the first page.
        public var restart: Bool
        /// Mark uploaded rows Cloudflare no longer has as failed (otherwise they are only reported).
        public var prune: Bool
        /// Images per page (Cloudflare accepts 10...10000).
        public var perPage: Int

        public init(
            owner: String? = nil, dryRun: Bool = false, restart: Bool = false, prune: Bool = false, perPage: Int = 1000
        ) {
            self.owner = owner
            self.dryRun = dryRun
            self.restart = restart
            self.prune = prune
            self.perPage = perPage
        }
    }

    /// The checkpoint scope of real runs; dry runs use ``dryRunScope``.
    public static let scope = "account"
    public static let dryRunScope = "dry-run"

    let repository: any ImageRepository
    let cloudflare: CloudflareClient
    let logger: Logger
    let now: @Sendable () -> Date
    let reconciler: ImageReconciler

    public init(
        repository: any ImageRepository, cloudflare: CloudflareClient, logger: Logger,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.repository = repository
        self.cloudflare = cloudflare
        self.logger = logger
        self.now = now
        self.reconciler = ImageReconciler(repository: repository, cloudflare: cloudflare, logger: logger, now: now)
    }

    /// Runs (or resumes) a sync.
    /// - Throws: ``SyncFailure`` when a page cannot be listed or needs an owner (the checkpoint is kept);
    ///   storage errors as they come.
    public func run(_ options: Options, progress: ProgressReporter? = nil) async throws -> SyncReport {
        let scope = options.dryRun ? Self.dryRunScope : Self.scope
        var checkpoint: SyncCheckpoint
        var report: SyncReport
        if !options.dryRun, !options.restart, let saved = try await repository.syncCheckpoint(scope: scope) {
            checkpoint = saved
            report = SyncReport(dryRun: false, resumedAfterPages: saved.pages > 0 ? saved.pages : nil)
            logger.info("Resuming sync", metadata: ["pages_done": "\(saved.pages)"])
        } else {
            checkpoint = try await repository.beginSync(scope: scope, at: now())
            report = SyncReport(dryRun: options.dryRun)
        }
        while !checkpoint.listingComplete {
            let pageNumber = checkpoint.pages + 1
            let page: ImageListV2Page
            do {
                page = try await cloudflare.listImagesV2(
                    continuationToken: checkpoint.continuationToken, perPage: options.perPage, sortOrder: .ascending)
            } catch {
                progress?.finish(done: report.seen, report.progressFields)
                throw SyncFailure(.pageFailed(page: pageNumber, error: error), report: report)
            }
            try await apply(page.images, pageNumber: pageNumber, options: options, report: &report, progress: progress)
            checkpoint = try await repository.recordSyncPage(
                scope: scope, seen: page.images.map(\.id), continuationToken: page.continuationToken)
            report.pages += 1
            report.seen += page.images.count
            progress?.update(done: report.seen, report.progressFields)
        }
        try await reconcileMissing(options, checkpoint: checkpoint, scope: scope, now: now(), report: &report)
        try await repository.finishSync(scope: scope)
        report.completed = true
        progress?.finish(done: report.seen, report.progressFields)
        logger.info(
            "Sync finished",
            metadata: [
                "dry_run": "\(options.dryRun)", "pages": "\(report.pages)", "seen": "\(report.seen)",
                "inserted": "\(report.inserted)", "refreshed": "\(report.refreshed)",
                "reconciled": "\(report.reconciled)",
                "missing": "\(report.missing)", "errors": "\(report.errors)",
            ])
        return report
    }

    /// Inserts and refreshes the rows of one page. Nothing is written when the page needs an owner and has none.
    func apply(
        _ images: [CloudflareImage], pageNumber: Int, options: Options, report: inout SyncReport,
        progress: ProgressReporter?
    ) async throws {
        let storable = images.filter { image in
            guard image.id.count <= 255, !image.id.isEmpty else {
                report.errors += 1
                logger.warning(
                    "Cloudflare image ID cannot be stored (empty or over 255 characters)",
                    metadata: [
                        "cloudflare_id_prefix": "\(image.id.prefix(64))", "length": "\(image.id.count)",
                    ])
                return false
            }
            return true
        }
        let tracked = Dictionary(
            try await repository.images(cloudflareIDs: storable.map(\.id), owner: nil).map { ($0.cloudflareID, $0) },
            uniquingKeysWith: { first, _ in first })
        let untracked = storable.filter { tracked[$0.id] == nil && !$0.draft }.count
        if untracked > 0, options.owner == nil, !options.dryRun {
            progress?.finish(done: report.seen, report.progressFields)
            throw SyncFailure(.ownerRequired(page: pageNumber, untracked: untracked), report: report)
        }
        let now = now()
        for image in storable {
            if let record = tracked[image.id] {
                try await refresh(record, from: image, dryRun: options.dryRun, now: now, report: &report)
            } else if image.draft {
                report.skippedDrafts += 1
            } else {
                try await insert(image, owner: options.owner ?? "", dryRun: options.dryRun, now: now, report: &report)
            }
        }
    }

    private func refresh(
        _ record: ImageRecord, from image: CloudflareImage, dryRun: Bool, now: Date, report: inout SyncReport
    ) async throws {
        // Settings changed here before the upload completed are ours to push, not Cloudflare's to overwrite.
        let owesSettings = try await reconciler.owesSettings(record)
        let refresh: @Sendable (inout ImageRecord) -> Void = { row in
            let wanted = row.requireSignedURLs
            SyncMapping.refresh(&row, from: image, now: now)
            if owesSettings { row.requireSignedURLs = wanted }
        }
        var updated = record
        refresh(&updated)
        let changed = SyncMapping.changedFields(record, updated)
        guard !changed.isEmpty || (owesSettings && updated.status == .uploaded) else {
            report.unchanged += 1
            return
        }
        if !dryRun {
            let response = JSONValue.from(image)
            let names = changed.map { JSONValue.string($0) }
            let stored = try await repository.update(.id(record.id), owner: nil) { row in
                refresh(&row)
                return LogEvent(
                    "image_synced", message: "Image refreshed from Cloudflare by sync",
                    data: ["changed": .array(names), "response": response])
            }
            guard let stored else {
                report.unchanged += 1  // deleted meanwhile
                return
            }
            _ = await reconciler.finish(stored, owesSettings: owesSettings)
        }
        if record.status != .uploaded && updated.status == .uploaded {
            report.reconciled += 1
        } else {
            report.refreshed += 1
        }
    }

    private func insert(
        _ image: CloudflareImage, owner: String, dryRun: Bool, now: Date, report: inout SyncReport
    ) async throws {
        if !dryRun {
            let record = SyncMapping.newRecord(image, owner: owner, now: now)
            let log = LogEvent(
                "image_registered", message: "Image registered from Cloudflare",
                data: ["response": JSONValue.from(image), "source": "sync"])
            do {
                _ = try await repository.insert(record, log: log)
            } catch ImageStoreError.duplicateCloudflareID {
                report.unchanged += 1  // inserted meanwhile by the API
                return
            }
        }
        report.inserted += 1
    }
}
