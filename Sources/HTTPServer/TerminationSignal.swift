import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Waits for a termination signal, so a server can shut down gracefully:
/// `try server.start(); await TerminationSignal.wait(); await server.shutdown()`.
///
/// The first `wait` installs handlers that only write the signal number to a pipe (async-signal-safe); a
/// dedicated thread reads the pipe and resumes the waiters. A signal that arrives while nobody waits is kept
/// and returned by the next `wait`.
public enum TerminationSignal {
    /// Suspends until SIGTERM or SIGINT arrives; returns the signal number.
    public static func wait() async -> Int32 {
        await wait(for: [SIGTERM, SIGINT])
    }

    /// Suspends until one of `signals` arrives; returns the signal number.
    public static func wait(for signals: [Int32]) async -> Int32 {
        let watcher = SignalWatcher.shared
        watcher.install(signals)
        return await withCheckedContinuation { continuation in
            watcher.add(continuation, for: Set(signals))
        }
    }

    /// Installs the handlers for `signals` now, so a signal sent before the first `wait` is not fatal.
    public static func prepare(_ signals: [Int32] = [SIGTERM, SIGINT]) {
        SignalWatcher.shared.install(signals)
    }
}

/// Write end of the signal pipe, read by the C signal handler.
nonisolated(unsafe) private var signalPipeWriteFD: Int32 = -1

private let signalHandler: @convention(c) (Int32) -> Void = { signo in
    let saved = errno
    var byte = UInt8(truncatingIfNeeded: signo)
    _ = write(signalPipeWriteFD, &byte, 1)
    errno = saved
}

final class SignalWatcher: Sendable {
    static let shared = SignalWatcher()

    struct State {
        var installed: Set<Int32> = []
        var pending: Set<Int32> = []
        var waiters: [(signals: Set<Int32>, continuation: CheckedContinuation<Int32, Never>)] = []
    }

    private let state = Mutex(State())

    private init() {
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
            _ = fcntl(fds[1], F_SETFL, O_NONBLOCK)
            signalPipeWriteFD = fds[1]
        }
        let readFD = fds[0]
        let thread = Thread { [self] in readLoop(readFD) }
        thread.name = "HTTPServer.TerminationSignal"
        thread.start()
    }

    func install(_ signals: [Int32]) {
        state.withLock { state in
            for signo in signals where !state.installed.contains(signo) {
                state.installed.insert(signo)
                signal(signo, signalHandler)
            }
        }
    }

    func add(_ continuation: CheckedContinuation<Int32, Never>, for signals: Set<Int32>) {
        let delivered = state.withLock { state -> Int32? in
            if let signo = state.pending.first(where: signals.contains) {
                state.pending.remove(signo)
                return signo
            }
            state.waiters.append((signals, continuation))
            return nil
        }
        if let delivered { continuation.resume(returning: delivered) }
    }

    private func readLoop(_ fd: Int32) {
        guard fd >= 0 else { return }
        var byte: UInt8 = 0
        while true {
            let count = read(fd, &byte, 1)
            if count < 0, errno == EINTR { continue }
            guard count == 1 else { return }
            let signo = Int32(byte)
            let resumed = state.withLock { state -> [CheckedContinuation<Int32, Never>] in
                let matching = state.waiters.filter { $0.signals.contains(signo) }.map(\.continuation)
                if matching.isEmpty {
                    state.pending.insert(signo)
                } else {
                    state.waiters.removeAll { $0.signals.contains(signo) }
                }
                return matching
            }
            for continuation in resumed { continuation.resume(returning: signo) }
        }
    }
}
