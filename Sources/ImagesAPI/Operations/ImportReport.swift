/// What one `cfimages import` run did (or, in a dry run, would do).
public struct ImportReport: Sendable, Equatable {
    /// A line that was not imported, and why.
    public struct Failure: Sendable, Equatable, CustomStringConvertible {
        public var line: Int
        public var reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    public var dryRun: Bool
    /// Lines to import (blank and comment lines not counted).
    public var lines = 0
    /// Lines uploaded and recorded by this run (in a dry run: that would be).
    public var imported = 0
    /// Lines the ledger says an earlier run imported.
    public var alreadyImported = 0
    /// Lines identical to an earlier line of the same file.
    public var duplicates = 0
    /// Lines that failed, in line order.
    public var failures: [Failure] = []

    public var failed: Int { failures.count }

    public init(dryRun: Bool) {
        self.dryRun = dryRun
    }

    var progressFields: [ProgressReporter.Field] {
        [.init("imported", imported), .init("skipped", alreadyImported + duplicates), .init("failed", failed)]
    }

    /// The end-of-run summary, then one line per failure.
    public var summaryLines: [String] {
        var lines = [
            dryRun ? "DRY RUN: nothing was uploaded." : "Import complete.",
            "lines: \(self.lines)", "\(dryRun ? "would import" : "imported"): \(imported)",
            "already imported: \(alreadyImported)", "duplicate lines: \(duplicates)", "failed: \(failed)",
        ]
        lines += failures.map { "  \($0)" }
        return lines
    }
}
