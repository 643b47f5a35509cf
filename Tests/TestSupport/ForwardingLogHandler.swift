import Logging

/// A trace-level log handler that hands every event, with the logger's metadata merged under the event's, to
/// `sink`: what ``LogRecorder`` and ``LogCapture`` keep.
public struct ForwardingLogHandler: LogHandler {
    public let label: String
    public let sink: @Sendable (_ label: String, _ event: LogEvent, _ metadata: Logger.Metadata) -> Void
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .trace

    public init(label: String, sink: @escaping @Sendable (String, LogEvent, Logger.Metadata) -> Void) {
        self.label = label
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        sink(label, event, metadata.merging(event.metadata ?? [:]) { $1 })
    }
}
