import Logging
import Synchronization

/// Keeps log records for assertions.
public final class LogRecorder: Sendable {
    public struct Record: Sendable {
        public var level: Logger.Level
        public var message: String
        public var metadata: [String: String]
    }

    public let records = Mutex<[Record]>([])

    public init() {}

    public var logger: Logger {
        Logger(label: "test") { label in
            ForwardingLogHandler(label: label) { _, event, metadata in
                let record = Record(
                    level: event.level, message: event.message.description, metadata: metadata.mapValues { "\($0)" })
                self.records.withLock { $0.append(record) }
            }
        }
    }

    public var all: [Record] { records.withLock { $0 } }
}
