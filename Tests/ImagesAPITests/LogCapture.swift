import Logging
import Synchronization

/// Every log line a logger built by ``logger(_:)`` emits, rendered as text (label, level, message, metadata), so a
/// test can grep them. No `LoggingSystem.bootstrap`: each logger gets this handler through `Logger(label:factory:)`.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    /// A trace-level logger whose lines land here.
    func logger(_ label: String) -> Logger {
        Logger(label: label) { label in CapturingLogHandler(label: label, capture: self) }
    }

    var all: [String] { lines.withLock { $0 } }

    func append(_ line: String) { lines.withLock { $0.append(line) } }

    /// The captured lines containing `needle`.
    func lines(containing needle: String) -> [String] { all.filter { $0.contains(needle) } }
}

struct CapturingLogHandler: LogHandler {
    let label: String
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: Logging.LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let rendered = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        capture.append("\(label) \(event.level) \(event.message) \(rendered) \(event.source)")
    }
}
