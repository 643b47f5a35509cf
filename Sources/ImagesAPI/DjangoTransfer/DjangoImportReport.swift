import ImageStore

/// What one `cfimages import-django` run did (in a dry run: would do), per model.
public struct DjangoImportReport: Sendable, Equatable {
    /// An object that was not imported, and why: `model pk: reason`.
    public struct Failure: Sendable, Equatable, CustomStringConvertible {
        public var model: String
        public var pk: String
        public var reason: String
        public var description: String { "\(model) \(pk): \(reason)" }
    }

    /// Outcomes of one model's objects.
    public struct Counts: Sendable, Equatable {
        /// Objects of the model met in the dump.
        public var read = 0
        public var created = 0
        public var updated = 0
        public var unchanged = 0
        /// Already stored and changed here since (a later `updated_at`, or a token revoked here): kept as stored.
        public var keptNewer = 0
        public var failed = 0
    }

    /// At most this many failures are kept for the summary (all are counted).
    public static let keptFailures = 1000

    public var dryRun: Bool
    public var counts: [String: Counts] = [:]
    /// Objects of other models (`auth.permission`, your own apps' models), which are skipped.
    public var ignored: [String: Int] = [:]
    /// The first `keptFailures` failures, in the order they happened.
    public var failures: [Failure] = []
    /// Every failure, also those not kept.
    public var failureCount = 0
    /// The file could not be read on from some point (the reason); what came before it was imported.
    public var unreadable: String?
    /// The run stopped before the end (`Options.stopAfter`); a rerun goes on from what was committed.
    public var interrupted = false
    /// How many times the file was read (a second or third time only for objects met before what they reference).
    public var passes = 0
    /// Bytes of the dump.
    public var bytes = 0

    public init(dryRun: Bool) {
        self.dryRun = dryRun
    }

    /// Whether anything failed (the command then exits 1).
    public var hasFailures: Bool { failureCount > 0 || unreadable != nil || interrupted }

    mutating func record(_ model: String, _ outcome: DjangoImportOutcome) {
        switch outcome {
        case .created: counts[model, default: Counts()].created += 1
        case .updated: counts[model, default: Counts()].updated += 1
        case .unchanged: counts[model, default: Counts()].unchanged += 1
        case .keptNewer: counts[model, default: Counts()].keptNewer += 1
        case .missingImage, .conflict: break
        }
    }

    mutating func fail(_ model: String, _ pk: String, _ reason: String, counted: Bool = true) {
        if counted { counts[model, default: Counts()].failed += 1 }
        failureCount += 1
        if failures.count < Self.keptFailures {
            failures.append(
                Failure(model: Self.printable(model), pk: Self.printable(pk), reason: Self.printable(reason)))
        }
    }

    /// Text from the dump with control characters escaped (`\u{1B}`), so no object can forge lines of the summary
    /// or drive the terminal.
    static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var escaped = ""
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                escaped += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        // C0, DEL, C1, and the bidirectional overrides and isolates that reorder what a terminal shows.
        scalar.properties.generalCategory == .control || (0x202A...0x202E).contains(scalar.value)
            || (0x2066...0x2069).contains(scalar.value)
    }

    /// The end-of-run summary: a line per model, then each kept failure.
    public var summaryLines: [String] {
        var lines = [
            dryRun ? "DRY RUN: nothing was written." : interrupted ? "Import interrupted." : "Import complete."
        ]
        let models = DjangoModels.reported + counts.keys.filter { !DjangoModels.reported.contains($0) }.sorted()
        for model in models {
            let count = counts[model] ?? Counts()
            if model == DjangoModels.user || model == DjangoModels.contentType {
                lines.append("\(model): \(count.read) read\(count.failed > 0 ? ", \(count.failed) failed" : "")")
                continue
            }
            let created = dryRun ? "would create" : "created"
            let updated = dryRun ? "would update" : "updated"
            lines.append(
                "\(model): \(count.read) read, \(count.created) \(created), \(count.updated) \(updated), "
                    + "\(count.unchanged) unchanged, \(count.keptNewer) kept (changed here since), \(count.failed) failed"
            )
        }
        if !ignored.isEmpty {
            lines.append(
                "other models, not imported: "
                    + ignored.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                    .joined(separator: ", "))
        }
        if let unreadable { lines.append("The dump could not be read to the end: \(unreadable)") }
        lines.append("failed: \(failureCount)")
        lines += failures.map { "  \($0)" }
        if failureCount > failures.count { lines.append("  ... and \(failureCount - failures.count) more") }
        return lines
    }

    var progressFields: [ProgressReporter.Field] {
        let total = counts.values.reduce(into: Counts()) { sum, count in
            sum.created += count.created
            sum.updated += count.updated
            sum.unchanged += count.unchanged + count.keptNewer
        }
        return [
            .init("created", total.created), .init("updated", total.updated), .init("unchanged", total.unchanged),
            .init("failed", failureCount),
        ]
    }
}
