import Synchronization

/// The outcome of ``withTimeout(_:_:)``.
enum TimedResult<Value: Sendable>: Sendable {
    case value(Value)
    case failure(any Error)
    case timedOut
}

/// Runs `operation` in its own task and returns its result, or `.timedOut` once `timeout` has passed. On timeout
/// the task is cancelled and left to finish in the background: a stuck operation never holds the caller.
func withTimeout<Value: Sendable>(
    _ timeout: Duration, _ operation: @escaping @Sendable () async throws -> Value
) async -> TimedResult<Value> {
    let race = Race<Value>()
    return await withCheckedContinuation { continuation in
        race.begin(continuation)
        let work = Task {
            do {
                race.finish(.value(try await operation()))
            } catch {
                race.finish(.failure(error))
            }
        }
        let timer = Task {
            try? await Task.sleep(for: timeout)
            if race.finish(.timedOut) { work.cancel() }
        }
        race.onFinish { timer.cancel() }
    }
}

/// Resumes one continuation with whichever result arrives first.
private final class Race<Value: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<TimedResult<Value>, Never>?
        var done = false
        var cleanup: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())

    func begin(_ continuation: CheckedContinuation<TimedResult<Value>, Never>) {
        state.withLock { $0.continuation = continuation }
    }

    /// Runs `cleanup` once the race is decided (at once if it already is).
    func onFinish(_ cleanup: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { state -> Bool in
            if state.done { return true }
            state.cleanup = cleanup
            return false
        }
        if runNow { cleanup() }
    }

    /// True when `result` won.
    @discardableResult
    func finish(_ result: TimedResult<Value>) -> Bool {
        let (continuation, cleanup) = state.withLock {
            state -> (CheckedContinuation<TimedResult<Value>, Never>?, (@Sendable () -> Void)?) in
            guard !state.done else { return (nil, nil) }
            state.done = true
            defer {
                state.continuation = nil
                state.cleanup = nil
            }
            return (state.continuation, state.cleanup)
        }
        guard let continuation else { return false }
        continuation.resume(returning: result)
        cleanup?()
        return true
    }
}
