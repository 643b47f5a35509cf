/// Why a sync run stopped early, with what it had done by then. The checkpoint of the last finished page stays in
/// the database, so running the command again resumes from there.
public struct SyncFailure: Error, CustomStringConvertible {
    public enum Reason: Sendable {
        /// Cloudflare's listing failed (after the client's retries) on this page.
        case pageFailed(page: Int, error: any Error)
        /// This page has images the database does not track and no owner was given to insert them with.
        case ownerRequired(page: Int, untracked: Int)
    }

    public var reason: Reason
    /// The counts up to the failure.
    public var report: SyncReport

    public init(_ reason: Reason, report: SyncReport) {
        self.reason = reason
        self.report = report
    }

    public var description: String {
        switch reason {
        case .pageFailed(let page, let error):
            "Listing Cloudflare images failed on page \(page): \(error). Progress up to page \(page - 1) is saved; "
                + "run the command again to resume (or with --restart to start over)."
        case .ownerRequired(let page, let untracked):
            "Page \(page) has \(untracked) image(s) not tracked here; pass --owner NAME to insert them "
                + "(run again with it to resume from this page)."
        }
    }
}
