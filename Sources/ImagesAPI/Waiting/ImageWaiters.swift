import Foundation
import ImageStore
import Synchronization

/// Requests held until an image reaches a status, as registered callbacks (no thread or task per waiter).
///
/// Two things wake them: the repository's ``ImageChangeFeed`` right after a write of this process commits (it
/// names the images changed: only their waiters are re-checked), and, while anyone waits, a poll of
/// ``ImageRepository/imagesGeneration()`` every `pollInterval`, which catches a write by another process on the same
/// database (or one the feed did not name) with one re-read of every waited image (coalesced: a change during a
/// re-read asks for one more). The poll also ends the waits whose time ran out.
final class ImageWaiters: Sendable {
    enum Outcome: Sendable {
        case reached(ImageRecord)
        /// The image was deleted (or left the caller's scope).
        case gone
        case timedOut
        /// The wait was withdrawn: its client left, or the waiting task was cancelled.
        case withdrawn
    }

    private struct Waiter {
        let imageID: UUID
        let owner: String?
        let goal: WaitRequest.Goal
        let deadline: ContinuousClock.Instant
        let wake: @Sendable (Outcome) -> Void
    }

    private struct State {
        var waiters: [UInt64: Waiter] = [:]
        var nextID: UInt64 = 0
        var polling = false
        var checking = false
        var dirty = false
        var generation: Int64?
    }

    private let repository: any ImageRepository
    private let pollInterval: Duration
    private let state = Mutex(State())
    private let observer = Mutex<UInt64?>(nil)
    /// The most images one re-read asks for in one query.
    static let readChunk = 500

    init(repository: any ImageRepository, pollInterval: Duration = .milliseconds(150)) {
        self.repository = repository
        self.pollInterval = pollInterval
        if let notifying = repository as? any ImageChangeNotifying {
            let id = notifying.changeFeed.addObserver { [weak self] ids in
                guard let self, let ids else { return }
                self.imagesChanged(ids)
            }
            observer.withLock { $0 = id }
        }
    }

    deinit {
        if let id = observer.withLock({ $0 }), let notifying = repository as? any ImageChangeNotifying {
            notifying.changeFeed.removeObserver(id)
        }
    }

    /// How many requests are waiting now.
    var count: Int { state.withLock { $0.waiters.count } }

    /// Waits until the image (in `owner`'s scope) reaches `goal`, is deleted, or `timeout` passes; cancelling the
    /// task ends the wait at once (``Outcome/withdrawn``).
    func wait(for imageID: UUID, owner: String?, goal: WaitRequest.Goal, timeout: Duration) async -> Outcome {
        let parked = Mutex<(withdraw: (@Sendable () -> Void)?, cancelled: Bool)>((nil, false))
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let withdraw = park(for: imageID, owner: owner, goal: goal, timeout: timeout) {
                    continuation.resume(returning: $0)
                }
                let cancelled = parked.withLock { parked in
                    parked.withdraw = withdraw
                    return parked.cancelled
                }
                if cancelled { withdraw() }
            }
        } onCancel: {
            let withdraw = parked.withLock { parked in
                parked.cancelled = true
                return parked.withdraw
            }
            withdraw?()
        }
    }

    /// `wait` without a suspended caller: `wake` is called once, from any thread, with the outcome. Returns what
    /// withdraws the wait (`wake` then comes at once with ``Outcome/withdrawn``, unless it already came).
    @discardableResult
    func park(
        for imageID: UUID, owner: String?, goal: WaitRequest.Goal, timeout: Duration,
        wake: @escaping @Sendable (Outcome) -> Void
    ) -> @Sendable () -> Void {
        let deadline = ContinuousClock.now + timeout
        let (id, startPoller) = state.withLock { state -> (UInt64, Bool) in
            state.nextID += 1
            state.waiters[state.nextID] = Waiter(
                imageID: imageID, owner: owner, goal: goal, deadline: deadline, wake: wake)
            let start = !state.polling
            state.polling = true
            return (state.nextID, start)
        }
        if startPoller { Task { await self.poll() } }
        // The change may have committed between the caller's read and this registration.
        Task { await self.checkOne(id) }
        return { [weak self] in self?.resume([id: .withdrawn]) }
    }

    /// A write committed in this process.
    private func changed() {
        let start = state.withLock { state -> Bool in
            guard !state.waiters.isEmpty else { return false }
            if state.checking {
                state.dirty = true
                return false
            }
            state.checking = true
            return true
        }
        if start { Task { await self.recheck() } }
    }

    /// Committed writes of this process changed these images: their waiters (if any) are checked.
    private func imagesChanged(_ ids: [UUID]) {
        let changed = Set(ids)
        let waiting = state.withLock { state -> [UInt64] in
            state.waiters.isEmpty ? [] : state.waiters.compactMap { changed.contains($0.value.imageID) ? $0.key : nil }
        }
        for id in waiting { Task { await self.checkOne(id) } }
    }

    private func checkOne(_ id: UInt64) async {
        guard let waiter = state.withLock({ $0.waiters[id] }) else { return }
        let record = try? await repository.image(.id(waiter.imageID), owner: waiter.owner)
        guard let outcome = Self.outcome(waiter, record, found: record != nil) else { return }
        resume([id: outcome])
    }

    /// Re-reads every waited image, resumes those done; again while a signal came during the read.
    private func recheck() async {
        while true {
            let snapshot = state.withLock { state in state.waiters.map { ($0.key, $0.value) } }
            var outcomes: [UInt64: Outcome] = [:]
            let ids = Array(Set(snapshot.map(\.1.imageID)))
            var records: [UUID: ImageRecord] = [:]
            var failed = false
            var start = 0
            while start < ids.count {
                let chunk = Array(ids[start..<min(ids.count, start + Self.readChunk)])
                start += chunk.count
                do {
                    for record in try await repository.images(ids: chunk, owner: nil) { records[record.id] = record }
                } catch {
                    failed = true
                }
            }
            if !failed {
                for (id, waiter) in snapshot {
                    var record = records[waiter.imageID]
                    if let owner = waiter.owner, record?.owner != owner { record = nil }
                    if let outcome = Self.outcome(waiter, record, found: record != nil) { outcomes[id] = outcome }
                }
            }
            resume(outcomes)
            let again = state.withLock { state -> Bool in
                if state.dirty && !state.waiters.isEmpty {
                    state.dirty = false
                    return true
                }
                state.dirty = false
                state.checking = false
                return false
            }
            if !again { return }
        }
    }

    private static func outcome(_ waiter: Waiter, _ record: ImageRecord?, found: Bool) -> Outcome? {
        guard let record else { return .gone }
        return waiter.goal.isReached(by: record.status) ? .reached(record) : nil
    }

    /// Removes and resumes the waiters named (those still waiting).
    private func resume(_ outcomes: [UInt64: Outcome]) {
        guard !outcomes.isEmpty else { return }
        let resumed = state.withLock { state in
            outcomes.compactMap { id, outcome in state.waiters.removeValue(forKey: id).map { ($0, outcome) } }
        }
        for (waiter, outcome) in resumed { waiter.wake(outcome) }
    }

    /// While anyone waits: ends waits whose time ran out and notices other processes' writes.
    private func poll() async {
        while true {
            try? await Task.sleep(for: pollInterval)
            let now = ContinuousClock.now
            let (expired, done) = state.withLock { state -> ([UInt64: Outcome], Bool) in
                var expired: [UInt64: Outcome] = [:]
                for (id, waiter) in state.waiters where waiter.deadline <= now { expired[id] = .timedOut }
                if state.waiters.count == expired.count {
                    state.polling = false
                    state.generation = nil
                    return (expired, true)
                }
                return (expired, false)
            }
            resume(expired)
            if done { return }
            guard let generation = try? await repository.imagesGeneration() else { continue }
            let changed = state.withLock { state -> Bool in
                defer { state.generation = generation }
                return state.generation != generation
            }
            if changed { self.changed() }
        }
    }
}
