import ArgumentParser
import Foundation
import ImageStore
import ImagesAPI

/// `cfimages usages reconcile --from-file FILE`: rebuilds the usage registry from a client's references.
struct UsagesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usages", abstract: "Maintain the usage registry.", subcommands: [Reconcile.self])

    struct Reconcile: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record every current reference of some content types and remove their stale auto usages.",
            discussion: """
                One JSON object per line: {"content_type": "app_label.model", "object_id": "...", "field_name": "...", \
                "cloudflare_id": "..."}. The file must hold every current reference of each content type it names: \
                their auto usages it does not name are removed (manual ones never). Exit status 1 when a line failed.
                """)

        @Option(name: .customLong("from-file"), help: ArgumentHelp("The file of references.", valueName: "FILE"))
        var file: String

        @Flag(help: "Write no progress to standard error.")
        var noProgress = false

        func run() async throws {
            let path = URL(fileURLWithPath: file).standardizedFileURL.path
            guard let handle = FileHandle(forReadingAtPath: path) else { throw CommandFailure("Cannot read \(path)") }
            defer { try? handle.close() }
            let context = try await ServiceContext.open()
            defer { context.store.close() }
            let progress =
                noProgress
                ? nil
                : ProgressReporter(label: "reconcile", unit: "lines", style: ProgressReporter.styleForStandardError())
            let report = try await UsageReconcileService(repository: context.repository, logger: context.logger)
                .run(lines: FileLines(handle: handle), progress: progress)
            for line in report.summaryLines { print(line) }
            if !report.failures.isEmpty { throw ExitCode(1) }
        }
    }
}

/// The lines of a file, read 64 KiB at a time (so a file of millions of lines is never held whole); a final line
/// without a newline counts. Bytes that are not UTF-8 are replaced.
struct FileLines: AsyncSequence {
    typealias Element = String
    let handle: FileHandle

    struct AsyncIterator: AsyncIteratorProtocol {
        let handle: FileHandle
        var buffer: [UInt8] = []
        var start = 0
        var finished = false

        mutating func next() async throws -> String? {
            while true {
                if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: buffer[start..<newline], as: UTF8.self)
                    start = newline + 1
                    return line
                }
                if finished {
                    guard start < buffer.count else { return nil }
                    let line = String(decoding: buffer[start...], as: UTF8.self)
                    start = buffer.count
                    return line
                }
                buffer.removeFirst(start)
                start = 0
                let chunk = try handle.read(upToCount: 64 * 1024) ?? Data()
                if chunk.isEmpty { finished = true } else { buffer.append(contentsOf: chunk) }
            }
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(handle: handle) }
}
