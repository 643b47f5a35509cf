import ImageStore
import Logging

/// Runs ``CleanupService/run(dryRun:deleteOlderThanDays:)`` every `interval` in-process until stopped.
/// An interval of zero (the `CFIMAGES_CLEANUP_INTERVAL_SECONDS=0` setting) means `start()` does nothing.
public actor CleanupSweeper {
    let service: CleanupService
    let interval: Duration
    let logger: Logger
    private var task: Task<Void, Never>?

    public init(service: CleanupService, interval: Duration, logger: Logger) {
        self.service = service
        self.interval = interval
        self.logger = logger
    }

    public var isRunning: Bool { task != nil }

    /// Starts the loop (first sweep after one interval). Calling it again while running does nothing.
    public func start() {
        guard task == nil, interval > .zero else { return }
        let service = service
        let interval = interval
        let logger = logger
        task = Task {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return
                }
                do {
                    // Instances sharing a database take turns: one sweeps, the others skip this round.
                    if let exclusive = service.repository as? any ExclusiveWork {
                        if try await exclusive.exclusively("expiry-sweep", { try await service.run() }) == nil {
                            logger.debug("Cleanup sweep skipped: another instance is sweeping")
                        }
                    } else {
                        _ = try await service.run()
                    }
                } catch {
                    logger.error("Cleanup sweep failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// Stops the loop and waits for a sweep in progress to end.
    public func stop() async {
        guard let task else { return }
        self.task = nil
        task.cancel()
        await task.value
    }
}
