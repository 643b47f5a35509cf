import Synchronization

/// A body sent while it is produced (Server-Sent Events, say), instead of a whole one.
///
/// The response goes out with its headers at once and no `Content-Length`; the body is what `produce` writes, and
/// the connection closes when `produce` returns (so the body ends at the close, HTTP/1.1's framing for a body of no
/// declared length). `write` answers false once the client is gone or is not reading (its unread output passed the
/// connection's high-water mark) or the server is stopping: `produce` should then return.
public struct ResponseStream: Sendable {
    /// Hands chunks of the body to the connection, from any task.
    public struct Writer: Sendable {
        let sink: Sink

        /// Queues `bytes` for the client; false when the stream has ended and nothing more will be sent.
        @discardableResult
        public func write(_ bytes: [UInt8]) -> Bool {
            sink.write(bytes)
        }

        /// Whether the connection still takes writes.
        public var isOpen: Bool { !sink.ended.load(ordering: .acquiring) }
    }

    let produce: @Sendable (Writer) async -> Void

    public init(_ produce: @escaping @Sendable (Writer) async -> Void) {
        self.produce = produce
    }

    /// Where the writer's chunks go: the connection's loop, while the stream is open.
    final class Sink: Sendable {
        let ended = Atomic(false)
        private let deliver: @Sendable ([UInt8]) -> Void

        init(deliver: @escaping @Sendable ([UInt8]) -> Void) {
            self.deliver = deliver
        }

        func write(_ bytes: [UInt8]) -> Bool {
            guard !ended.load(ordering: .acquiring) else { return false }
            if !bytes.isEmpty { deliver(bytes) }
            return true
        }

        func end() {
            ended.store(true, ordering: .releasing)
        }
    }
}
