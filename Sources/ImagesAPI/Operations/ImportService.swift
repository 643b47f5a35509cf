import CloudflareImages
import Configuration
import Foundation
import HTTPClient
import ImageStore
import JSON
import Logging

/// `cfimages import`: uploads the images listed in a file through Cloudflare's upload-by-URL and tracks each one.
///
/// Lines (see ``ImportLine``) are uploaded at most `Options.concurrency` at a time. Each success inserts a row
/// (owner `Options.owner`, status uploaded, log `image_imported`) together with a ledger entry keyed by the line's
/// hash, so running the same file again skips lines already done and retries only the failed ones. A bad line is
/// reported with its number and reason and never stops the others.
public final class ImportService: Sendable {
    public struct Options: Sendable {
        public var owner: String
        /// Uploads in flight at once (at least 1).
        public var concurrency: Int
        /// Cloudflare's `creator` for every upload; none when nil.
        public var creator: String?
        /// Sent as `requireSignedURLs`; Cloudflare's default when nil.
        public var requireSignedURLs: Bool?
        /// Parse the file and consult the ledger; upload and write nothing.
        public var dryRun: Bool

        public init(
            owner: String, concurrency: Int = 4, creator: String? = nil, requireSignedURLs: Bool? = nil,
            dryRun: Bool = false
        ) {
            self.owner = owner
            self.concurrency = concurrency
            self.creator = creator
            self.requireSignedURLs = requireSignedURLs
            self.dryRun = dryRun
        }
    }

    let repository: any ImageRepository
    let cloudflare: CloudflareClient
    let logger: Logger
    let now: @Sendable () -> Date
    let probe: SourceProbe?

    /// - Parameters:
    ///   - settings: the size and format limits every source is checked against.
    ///   - probe: sends the `HEAD` requests that check each source's size and type; without one only the URL's
    ///     extension is checked.
    public init(
        repository: any ImageRepository, cloudflare: CloudflareClient, logger: Logger, settings: Settings = Settings(),
        probe: HTTPClient? = nil, now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.repository = repository
        self.cloudflare = cloudflare
        self.logger = logger
        self.now = now
        let policy = UploadPolicy(settings: settings)
        self.policy = policy
        self.probe = probe.map { SourceProbe(client: $0, policy: policy) }
    }

    let policy: UploadPolicy

    /// Imports the lines of `contents` (the text of the file named `source`, recorded in the ledger).
    /// - Throws: only storage errors reading the ledger; per-line failures are in the report.
    public func run(
        contents: String, source: String, options: Options, progress: ProgressReporter? = nil
    ) async throws -> ImportReport {
        var report = ImportReport(dryRun: options.dryRun)
        var lines: [ImportLine] = []
        var failures: [ImportReport.Failure] = []
        var firstLineOfHash: [String: Int] = [:]
        for (index, text) in contents.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line: ImportLine?
            do {
                line = try ImportLine.parse(text, number: index + 1)
            } catch {
                report.lines += 1
                failures.append(.init(line: error.line, reason: error.reason))
                continue
            }
            guard let line else { continue }
            report.lines += 1
            if firstLineOfHash[line.hash] != nil {
                report.duplicates += 1
                continue
            }
            firstLineOfHash[line.hash] = line.number
            lines.append(line)
        }
        progress?.setTotal(report.lines)

        let done = try await repository.importedLines(hashes: lines.map(\.hash))
        let pending = lines.filter { done[$0.hash] == nil }
        report.alreadyImported = lines.count - pending.count
        if options.dryRun {
            report.imported = pending.count
        } else {
            await upload(
                pending, source: source, options: options, report: &report, failures: &failures, progress: progress)
        }
        report.failures = failures.sorted { $0.line < $1.line }
        progress?.finish(done: report.lines, report.progressFields)
        logger.info(
            "Import finished",
            metadata: [
                "source": "\(source)", "imported": "\(report.imported)",
                "already_imported": "\(report.alreadyImported)",
                "failed": "\(report.failed)",
            ])
        return report
    }

    /// Uploads `lines`, at most `options.concurrency` at a time.
    private func upload(
        _ lines: [ImportLine], source: String, options: Options, report: inout ImportReport,
        failures: inout [ImportReport.Failure], progress: ProgressReporter?
    ) async {
        let skippedSoFar = report.lines - lines.count
        await withTaskGroup(of: ImportReport.Failure?.self) { group in
            var remaining = lines.makeIterator()
            for _ in 0..<max(1, options.concurrency) {
                guard let line = remaining.next() else { break }
                group.addTask { await self.importLine(line, source: source, options: options) }
            }
            var finished = 0
            while let outcome = await group.next() {
                finished += 1
                if let failure = outcome { failures.append(failure) } else { report.imported += 1 }
                var snapshot = report
                snapshot.failures = failures
                progress?.update(done: skippedSoFar + finished, snapshot.progressFields)
                if let line = remaining.next() {
                    group.addTask { await self.importLine(line, source: source, options: options) }
                }
            }
        }
    }

    /// Uploads one line and records it. Returns nil on success, else why it failed.
    private func importLine(_ line: ImportLine, source: String, options: Options) async -> ImportReport.Failure? {
        let refusal =
            if let probe { await probe.refusal(for: line.url) } else {
                URLComponents(string: line.url).flatMap { policy.refusal(filename: $0.path) }
            }
        if let refusal { return .init(line: line.number, reason: "refused before upload: \(refusal)") }
        let image: CloudflareImage
        do {
            image = try await cloudflare.uploadImage(
                fromURL: line.url,
                options: ImageUploadOptions(
                    id: line.customID, metadata: line.metadata, requireSignedURLs: options.requireSignedURLs,
                    creator: options.creator))
        } catch {
            return .init(line: line.number, reason: "upload failed: \(error)")
        }
        let now = now()
        var record = SyncMapping.newRecord(image, owner: options.owner, now: now)
        record.originalFilename = String((URL(string: line.url)?.lastPathComponent ?? "").prefix(255))
        if record.filename.isEmpty { record.filename = record.originalFilename }
        if let metadata = line.metadata { record.metadata = metadata }
        let log = LogEvent(
            "image_imported", message: "Image imported from URL",
            data: [
                "url": .string(line.url), "source": .string(source), "line": .int(Int64(line.number)),
                "response": JSONValue.from(image),
            ])
        do {
            _ = try await repository.insertImported(
                record, log: log, lineHash: line.hash, source: source, lineNumber: line.number)
            return nil
        } catch {
            logger.error(
                "Imported image could not be recorded",
                metadata: [
                    "cloudflare_id": "\(image.id)", "line": "\(line.number)", "error": "\(error)",
                ])
            return .init(
                line: line.number,
                reason: "uploaded to Cloudflare as \(image.id) but not recorded here: \(error) "
                    + "(`cfimages sync --owner NAME` can register it)")
        }
    }
}
