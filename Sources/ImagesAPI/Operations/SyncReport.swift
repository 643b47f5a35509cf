/// What one `cfimages sync` run did (or, in a dry run, would do). Counts are of this run only; a resumed run
/// says after how many pages it resumed.
public struct SyncReport: Sendable, Equatable {
    public var dryRun: Bool
    /// Pages listed by an earlier, interrupted run that this one continued from; nil when it started afresh.
    public var resumedAfterPages: Int?
    /// Pages of Cloudflare's listing fetched by this run.
    public var pages = 0
    /// Images in those pages.
    public var seen = 0
    /// Images new to the database, inserted with the `--owner`.
    public var inserted = 0
    /// Tracked images whose status, variants, filename, creator, metadata or signed-URL flag changed at Cloudflare.
    public var refreshed = 0
    /// Tracked images already matching Cloudflare.
    public var unchanged = 0
    /// Status corrections: pending/draft/failed/expired rows Cloudflare has as uploaded (now uploaded), and
    /// pending/draft rows Cloudflare does not have whose upload URL has expired (now expired).
    public var reconciled = 0
    /// Drafts at Cloudflare (an upload URL was issued, no bytes yet) with no row here: not inserted.
    public var skippedDrafts = 0
    /// Images that could not be stored (for example an ID longer than 255 characters); see the log.
    public var errors = 0
    /// Uploaded rows whose image Cloudflare no longer has.
    public var missing = 0
    /// The first (up to 10) Cloudflare IDs of `missing`.
    public var missingIDs: [String] = []
    /// Of `missing`, how many `--prune` marked failed.
    public var pruned = 0
    /// The listing reached its end and the reconciliation ran (false only in a failure's partial report).
    public var completed = false

    public init(dryRun: Bool, resumedAfterPages: Int? = nil) {
        self.dryRun = dryRun
        self.resumedAfterPages = resumedAfterPages
    }

    /// The counters shown by the progress line.
    var progressFields: [ProgressReporter.Field] {
        [
            .init("inserted", inserted), .init("refreshed", refreshed), .init("unchanged", unchanged),
            .init("reconciled", reconciled), .init("errors", errors),
        ]
    }

    /// The end-of-run summary, one `name: value` per line (prefixed `DRY RUN` in a dry run).
    public var summaryLines: [String] {
        var lines = [dryRun ? "DRY RUN: nothing was changed; counts are what a sync would do." : "Sync complete."]
        if let resumedAfterPages { lines.append("Resumed after page \(resumedAfterPages) of an interrupted run.") }
        if !completed { lines[0] = "Sync stopped before the end." }
        lines += [
            "pages: \(pages)", "seen: \(seen)", "inserted: \(inserted)", "refreshed: \(refreshed)",
            "unchanged: \(unchanged)", "reconciled: \(reconciled)", "skipped drafts: \(skippedDrafts)",
            "errors: \(errors)", "missing at Cloudflare: \(missing)",
        ]
        if missing > 0 {
            lines += missingIDs.map { "  - \($0)" }
            if missing > missingIDs.count { lines.append("  ... and \(missing - missingIDs.count) more") }
            lines.append(
                pruned > 0 || dryRun ? "pruned (marked failed): \(pruned)" : "(run with --prune to mark them failed)")
        }
        return lines
    }
}
