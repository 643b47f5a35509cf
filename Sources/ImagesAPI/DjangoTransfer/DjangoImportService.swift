import Foundation
import ImageStore

/// `cfimages import-django`: imports a `manage.py dumpdata` file of django-cloudflareimages-toolkit 1.1.6 (with
/// `auth.user`, `authtoken.token` and, for plain primary keys, `contenttypes`), streaming it in bounded memory.
///
/// Every `CloudflareImage` keeps its UUID and fields (owner: its user's name), every `ImageUploadLog` and
/// `ImageUsage` its primary key (when free here) and timestamps, and every DRF token becomes a token of the same
/// user whose key keeps working (staff and superusers get admin tokens; an inactive user's token is stored
/// revoked). Objects are checked against what is stored, so running the same dump again changes nothing and a run
/// that was stopped goes on where its last committed batch ended. A bad object is reported as `model pk: reason`
/// and never stops the others. Objects met before what they reference (a log before its image, a token before its
/// user) are taken on a second reading of the file.
public final class DjangoImportService: Sendable {
    public struct Options: Sendable {
        /// Check everything and report what would happen; write nothing.
        public var dryRun = false
        /// The owner of images with no user (`user: null`); without one, such images fail.
        public var ownerForUnowned: String?
        /// The project's user model (`AUTH_USER_MODEL`, lower case) and the field holding the user name.
        public var userModel = "auth.user"
        public var usernameField = "username"
        /// Objects per committed transaction.
        public var batchSize = 20_000
        /// Stop, as if killed, after this many objects (what the last batch held is rolled back): for tests of
        /// resuming.
        public var stopAfter: Int?
        /// Larger objects fail without being held in memory.
        public var maxObjectBytes = 64 << 20

        public init(dryRun: Bool = false, ownerForUnowned: String? = nil) {
            self.dryRun = dryRun
            self.ownerForUnowned = ownerForUnowned
        }
    }

    let store: any DjangoTransferStore

    public init(store: any DjangoTransferStore) {
        self.store = store
    }

    /// Imports the dump at `path`.
    /// - Throws: `DjangoDumpError` when the file cannot be opened, and storage errors; everything about the
    ///   dump's content is in the report.
    public func run(
        path: String, options: Options, progress: ProgressReporter? = nil
    ) async throws -> DjangoImportReport {
        do {
            return try await store.withDjangoImport(dryRun: options.dryRun) { writer in
                try DjangoImportRun(path: path, options: options, writer: writer, progress: progress).run()
            }
        } catch let stop as DjangoImportRun.Interrupted {
            return stop.report
        }
    }
}
