import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Log lines on their way to a file descriptor: callers append formatted text (with the timestamp of the current
/// second, formatted once per second) under a short lock, and a background thread writes the batch every few
/// milliseconds with one `write`. A caller that finds the buffer over ``highWater`` writes it itself, so a flood of
/// lines slows the loggers down rather than growing memory; nothing is dropped. Flushed at process exit.
public final class LogSink: @unchecked Sendable {
    /// Standard error, flushed by a background thread and at exit.
    public static let standardError: LogSink = {
        let sink = LogSink(fd: 2)
        sink.startFlusher()
        atexit { LogSink.standardError.flush() }
        return sink
    }()

    static let highWater = 256 * 1024
    static let flushInterval: TimeInterval = 0.005

    private let fd: Int32
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var pending: [UInt8] = []
    private var second = -1
    private var stamp: [UInt8] = []
    // Serialises writers of the descriptor so batches never interleave.
    private let writeLock = Mutex(())

    public init(fd: Int32) {
        self.fd = fd
        pending.reserveCapacity(64 * 1024)
    }

    /// Queues `<timestamp><text>`; `text` must end with a newline.
    public func append(_ text: String, flushNow: Bool = false) {
        append(flushNow: flushNow) { $0.append(contentsOf: text.utf8) }
    }

    /// Queues the timestamp, then whatever `write` appends (which must end with a newline), under the lock.
    func append(flushNow: Bool = false, _ write: (inout [UInt8]) -> Void) {
        condition.lock()
        let now = time(nil)
        if Int(now) != second {
            second = Int(now)
            stamp = Self.timestamp(now)
        }
        pending.append(contentsOf: stamp)
        write(&pending)
        let full = pending.count >= Self.highWater
        condition.unlock()
        if flushNow || full { flush() }
    }

    /// Writes everything queued so far.
    public func flush() {
        writeLock.withLock { _ in flushHoldingWriteLock() }
    }

    private func flushHoldingWriteLock() {
        condition.lock()
        var batch: [UInt8] = []
        swap(&batch, &pending)
        pending.reserveCapacity(min(max(batch.count, 4096), Self.highWater))
        condition.unlock()
        batch.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EINTR || errno == EAGAIN {
                    continue
                } else {
                    return
                }
            }
        }
    }

    private func startFlusher() {
        let thread = Thread { [self] in
            while true {
                Thread.sleep(forTimeInterval: Self.flushInterval)
                condition.lock()
                let empty = pending.isEmpty
                condition.unlock()
                if !empty { flush() }
            }
        }
        thread.name = "log-flusher"
        thread.start()
    }

    /// `2026-11-21T11:51:29+0000`: strftime's `%Y-%m-%dT%H:%M:%S%z` in local time, as `StreamLogHandler` writes it.
    static func timestamp(_ seconds: time_t) -> [UInt8] {
        var seconds = seconds
        var parts = tm()
        guard localtime_r(&seconds, &parts) != nil else { return Array("<unknown>".utf8) }
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &parts)
        return buffer[0..<count].map { UInt8(bitPattern: $0) }
    }
}
