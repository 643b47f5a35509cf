import Logging
import Synchronization

/// Every log line a logger built by ``logger(_:)`` emits, rendered as text (label, level, message, metadata), so a
/// test can grep them. No `LoggingSystem.bootstrap`: each logger gets this handler through `Logger(label:factory:)`.
public final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    public init() {}

    /// A trace-level logger whose lines land here.
    public func logger(_ label: String) -> Logger {
        Logger(label: label) { label in
            ForwardingLogHandler(label: label) { label, event, metadata in
                let rendered = metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
                    separator: " ")
                self.append("\(label) \(event.level) \(event.message) \(rendered) \(event.source)")
            }
        }
    }

    public var all: [String] { lines.withLock { $0 } }

    public func append(_ line: String) { lines.withLock { $0.append(line) } }

    /// The captured lines containing `needle`.
    public func lines(containing needle: String) -> [String] { all.filter { $0.contains(needle) } }
}
