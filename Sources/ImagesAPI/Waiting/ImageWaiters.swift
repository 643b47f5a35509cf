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
        /// Boxed: a held request keeps an outcome's room from its registration on, and a record is hundreds of bytes.
        indirect case reached(ImageRecord)
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
        /// Waiters to check soon (new ones, and those whose image a write of this process changed), read together.
        var queued: [UInt64] = []
        var checkingQueued = false
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
        // The image may already be there: the caller may not have read it, or it changed since the caller's read.
        check([id])
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
        check(waiting)
    }

    /// Queues these waiters for a check. One task reads the images of every waiter queued meanwhile, so a burst of
    /// new waiters (or of changes) costs a few reads of up to ``readChunk`` images, not a task and a read each.
    private func check(_ ids: [UInt64]) {
        guard !ids.isEmpty else { return }
        let start = state.withLock { state -> Bool in
            state.queued += ids
            guard !state.checkingQueued else { return false }
            state.checkingQueued = true
            return true
        }
        if start { Task { await self.checkQueued() } }
    }

    private func checkQueued() async {
        while true {
            let queued = state.withLock { state -> [(UInt64, Waiter)]? in
                guard !state.queued.isEmpty else {
                    state.checkingQueued = false
                    return nil
                }
                defer { state.queued = [] }
                return state.queued.compactMap { id in state.waiters[id].map { (id, $0) } }
            }
            guard let queued else { return }
            // A failed read leaves them waiting: the poll's re-read or their deadline answers them.
            if let outcomes = await outcomes(of: queued) { resume(outcomes) }
        }
    }

    /// Re-reads every waited image, resumes those done; again while a signal came during the read.
    private func recheck() async {
        while true {
            let snapshot = state.withLock { state in state.waiters.map { ($0.key, $0.value) } }
            if let outcomes = await outcomes(of: snapshot) { resume(outcomes) }
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

    /// The waiters done, from one read of their images (holding every commit made before it, by any process);
    /// nil when a read failed.
    private func outcomes(of waiters: [(UInt64, Waiter)]) async -> [UInt64: Outcome]? {
        let ids = Array(Set(waiters.map(\.1.imageID)))
        var records: [UUID: ImageRecord] = [:]
        var start = 0
        while start < ids.count {
            let chunk = Array(ids[start..<min(ids.count, start + Self.readChunk)])
            start += chunk.count
            guard let found = try? await repository.images(ids: chunk, owner: nil) else { return nil }
            for record in found { records[record.id] = record }
        }
        var outcomes: [UInt64: Outcome] = [:]
        for (id, waiter) in waiters {
            guard let record = records[waiter.imageID], waiter.owner == nil || record.owner == waiter.owner else {
                outcomes[id] = .gone
                continue
            }
            if waiter.goal.isReached(by: record.status) { outcomes[id] = .reached(record) }
        }
        return outcomes
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
