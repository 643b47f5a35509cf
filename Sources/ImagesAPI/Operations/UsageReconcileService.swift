import Foundation
import ImageStore
import JSON
import Logging

/// `cfimages usages reconcile --from-file FILE`: the bulk form of `POST api/usages/reconcile/`, like the
/// reference's `reconcile_image_usage`. Each line is one JSON object `{"content_type": "blog.post", "object_id": "7",
/// "field_name": "cover", "cloudflare_id": "..."}` (blank lines skipped); the file must hold **every** current
/// reference of each content type it names. They are recorded as `auto` usages in batches; then, per content type,
/// the `auto` rows the file did not name are removed (`manual` rows never). A content type with a bad line is not
/// pruned (a missing reference would remove a live row), and neither is any when a line's content type cannot be
/// read. Memory stays bounded: one batch and the set of content types.
public struct UsageReconcileService: Sendable {
    public struct Report: Sendable, Equatable {
        public var lines = 0
        public var recorded = 0
        public var created = 0
        public var changed = 0
        public var unchanged = 0
        public var keptManual = 0
        public var removed = 0
        /// `line number: reason`, in file order.
        public var failures: [String] = []
        /// Content types left unpruned because of bad lines.
        public var unpruned: [String] = []

        public var summaryLines: [String] {
            var lines = [
                "\(self.lines) references read: \(created) created, \(changed) changed, \(unchanged) unchanged, "
                    + "\(keptManual) left to manual rows; \(removed) stale auto rows removed"
            ]
            if !unpruned.isEmpty {
                lines.append("Not pruned because of bad lines: " + unpruned.joined(separator: ", "))
            }
            lines += failures.map { "line \($0)" }
            return lines
        }
    }

    static let batchSize = 500

    let repository: any ImageRepository
    let logger: Logger
    let now: @Sendable () -> Date

    public init(repository: any ImageRepository, logger: Logger, now: @escaping @Sendable () -> Date = Date.init) {
        self.repository = repository
        self.logger = logger
        self.now = now
    }

    /// Reconciles the lines `lines` yields (numbered from 1).
    public func run<Lines: AsyncSequence>(
        lines: Lines, progress: ProgressReporter? = nil
    ) async throws -> Report where Lines.Element == String {
        var report = Report()
        var started: [String: Date] = [:]
        var tainted = Set<String>()
        var unreadable = false
        var batch: [UsageReference] = []
        var number = 0
        func flush() async throws {
            guard !batch.isEmpty else { return }
            let summary = try await repository.recordUsages(batch, at: now())
            report.recorded += batch.count
            report.created += summary.created
            report.changed += summary.changed
            report.unchanged += summary.unchanged
            report.keptManual += summary.keptManual
            batch.removeAll(keepingCapacity: true)
        }
        for try await text in lines {
            number += 1
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            report.lines += 1
            switch Self.parse(trimmed) {
            case .success(let reference):
                if started[reference.contentType] == nil { started[reference.contentType] = now() }
                batch.append(reference)
                if batch.count >= Self.batchSize { try await flush() }
            case .failure(let failure):
                report.failures.append("\(number): \(failure.reason)")
                if let contentType = failure.contentType { tainted.insert(contentType) } else { unreadable = true }
            }
            if number % 1000 == 0 { progress?.update(done: report.lines, [.init("failed", report.failures.count)]) }
        }
        try await flush()
        for (contentType, start) in started.sorted(by: { $0.key < $1.key }) {
            guard !unreadable, !tainted.contains(contentType) else {
                report.unpruned.append(contentType)
                continue
            }
            report.removed += try await repository.pruneUsages(
                contentType: contentType, objectID: nil, untouchedSince: start, owner: nil, at: now())
        }
        progress?.finish(done: report.lines, [.init("failed", report.failures.count)])
        logger.info(
            "Usage reconcile finished",
            metadata: [
                "lines": "\(report.lines)", "removed": "\(report.removed)", "failures": "\(report.failures.count)",
            ])
        return report
    }

    struct LineFailure: Error {
        var reason: String
        var contentType: String?
    }

    static func parse(_ line: String) -> Result<UsageReference, LineFailure> {
        guard let object = (try? JSONValue.parse(Array(line.utf8)))?.objectValue else {
            return .failure(LineFailure(reason: "not a JSON object"))
        }
        var errors = FieldErrors()
        let contentType = APIContext.contentType(object["content_type"], errors: &errors)
        let objectID = APIContext.label(object["object_id"], "object_id", errors: &errors)
        let fieldName = APIContext.label(object["field_name"], "field_name", errors: &errors)
        let cloudflareID = APIContext.label(object["cloudflare_id"], "cloudflare_id", errors: &errors)
        guard let contentType, let objectID, let fieldName, let cloudflareID else {
            let fields = errors.entries.map(\.field).joined(separator: ", ")
            return .failure(LineFailure(reason: "invalid or missing \(fields)", contentType: contentType))
        }
        return .success(
            UsageReference(
                contentType: contentType, objectID: objectID, fieldName: fieldName, cloudflareID: cloudflareID,
                source: .auto))
    }
}
