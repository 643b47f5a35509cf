import Foundation
import HTTPClient
import HTTPFields
import ImageStore
import Logging
import Metrics
import Synchronization

/// Sends the outbox's deliveries: at least once, in order per endpoint and image, signed.
///
/// Each pass takes what is due (the store hands out only the oldest pending delivery of each endpoint and image),
/// sends them concurrently, and records every attempt. A 2xx answer within `attemptTimeout` is a success; anything
/// else is a failed attempt, tried again after an exponential backoff with jitter (`Retry-After` is honoured as a
/// minimum) until `retryWindow` after the event, then given up. An endpoint failing for `retryWindow` is disabled.
/// Between passes the worker sleeps until the next delivery is due, at most `idlePoll`, and a committed write of
/// this process (the repository's change feed) wakes it at once.
public final class EventDeliveryWorker: Sendable {
    /// Timing of deliveries.
    public struct Policy: Sendable {
        /// The first retry's delay; each further one doubles, up to `maxDelay`.
        public var baseDelay: Duration = .seconds(5)
        public var maxDelay: Duration = .seconds(3_600)
        /// How long after the event it is tried (and how long an endpoint may fail before it is disabled).
        public var retryWindow: Duration = .seconds(86_400)
        public var attemptTimeout: Duration = .seconds(10)
        /// Deliveries in flight at once.
        public var concurrency = 32
        /// The longest sleep between passes (picks up other processes' events).
        public var idlePoll: Duration = .seconds(1)
        /// How much of an answer is kept in the attempt log.
        public var excerptBytes = 256
        /// Events older than this are pruned (checked every `pruneInterval`).
        public var retention: Duration = .seconds(30 * 86_400)
        public var pruneInterval: Duration = .seconds(600)
        /// How often the backlog and disabled-endpoint gauges are read from the store.
        public var gaugeInterval: Duration = .seconds(5)

        public init() {}

        /// The delay before the next try after `attempts` failed ones: `baseDelay` doubled per attempt, at most
        /// `maxDelay`, times a random factor in 0.5...1 (full jitter would allow near-zero retries).
        func retryDelay(afterAttempts attempts: Int) -> Duration {
            let base = EventDeliveryWorker.seconds(baseDelay)
            let exponent = attempts <= 1 ? 0 : Double(min(attempts - 1, 30))
            let capped = min(base * pow(2, exponent), EventDeliveryWorker.seconds(maxDelay))
            return .milliseconds(Int64(capped * Double.random(in: 0.5...1) * 1_000))
        }
    }

    private struct State {
        var running: Task<Void, Never>?
        var stopped = false
        var rung = false
        var sleeper: CheckedContinuation<Void, Never>?
    }

    private let store: any EventStore
    private let http: HTTPClient
    private let serializer: ImageSerializer
    private let metrics: EventMetrics
    private let logger: Logger
    private let clock: @Sendable () -> Date
    let policy: Policy
    private let state = Mutex(State())
    private let feed: ImageChangeFeed?
    private let observer = Mutex<UInt64?>(nil)

    init(
        store: any EventStore, http: HTTPClient, serializer: ImageSerializer, metrics: EventMetrics, logger: Logger,
        clock: @escaping @Sendable () -> Date, policy: Policy, feed: ImageChangeFeed?
    ) {
        self.store = store
        self.http = http
        self.serializer = serializer
        self.metrics = metrics
        self.logger = logger
        self.clock = clock
        self.policy = policy
        self.feed = feed
    }

    /// Starts the delivery loop (once).
    public func start() {
        let started = state.withLock { state -> Bool in
            guard state.running == nil, !state.stopped else { return false }
            state.running = Task { [self] in await loop() }
            return true
        }
        guard started, let feed else { return }
        let id = feed.addObserver { [weak self] _ in self?.wake() }
        observer.withLock { $0 = id }
    }

    /// Stops the loop after the deliveries in flight.
    public func stop() async {
        if let id = observer.withLock({ $0 }) { feed?.removeObserver(id) }
        let task = state.withLock { state -> Task<Void, Never>? in
            state.stopped = true
            return state.running
        }
        wake()
        await task?.value
    }

    /// Ends the current sleep (or the next one) at once.
    func wake() {
        let sleeper = state.withLock { state -> CheckedContinuation<Void, Never>? in
            let sleeper = state.sleeper
            state.sleeper = nil
            if sleeper == nil { state.rung = true }
            return sleeper
        }
        sleeper?.resume()
    }

    private func loop() async {
        var lastGauges = ContinuousClock.now - policy.gaugeInterval
        var lastPrune = ContinuousClock.now - policy.pruneInterval
        while !state.withLock({ $0.stopped }) {
            if ContinuousClock.now - lastPrune >= policy.pruneInterval {
                lastPrune = ContinuousClock.now
                await prune()
            }
            let sent = await deliverDue()
            if ContinuousClock.now - lastGauges >= policy.gaugeInterval {
                await refreshGauges()
                lastGauges = ContinuousClock.now
            }
            if sent > 0 { continue }
            var pause = policy.idlePoll
            if let next = try? await store.nextDeliveryDue() {
                let wait = next.timeIntervalSince(clock())
                pause = min(pause, .milliseconds(Int64(max(0, min(wait, 86_400)) * 1_000)))
            }
            await sleep(pause)
        }
    }

    private func sleep(_ pause: Duration) async {
        guard pause > .zero else { return }
        let timer = Task { [self] in
            try? await Task.sleep(for: pause)
            if !Task.isCancelled { wake() }
        }
        await withCheckedContinuation { continuation in
            let now = state.withLock { state -> Bool in
                if state.rung || state.stopped {
                    state.rung = false
                    return true
                }
                state.sleeper = continuation
                return false
            }
            if now { continuation.resume() }
        }
        timer.cancel()
    }

    /// How long a pass holds the deliveries it claimed: its four rounds of attempts at their timeout, and a margin.
    var leaseLength: Duration { policy.attemptTimeout * 4 + .seconds(30) }

    /// One pass: claims the deliveries due now and sends them. Returns how many were attempted.
    @discardableResult
    func deliverDue() async -> Int {
        let due: [DueDelivery]
        do {
            let now = clock()
            let batch = max(1, policy.concurrency) * 4
            due = try await store.claimDueDeliveries(
                now: now, leaseEnd: now.addingTimeInterval(Self.seconds(leaseLength)), limit: batch)
        } catch {
            logger.error("Reading due event deliveries failed", metadata: ["error": "\(error)"])
            return 0
        }
        guard !due.isEmpty else { return 0 }
        await withTaskGroup(of: Void.self) { group in
            var inFlight = 0
            for delivery in due {
                if inFlight >= max(1, policy.concurrency) {
                    await group.next()
                    inFlight -= 1
                }
                group.addTask { [self] in await attempt(delivery) }
                inFlight += 1
            }
        }
        return due.count
    }

    private func attempt(_ delivery: DueDelivery) async {
        let event = delivery.event
        let endpoint = delivery.endpoint
        let body = EventPayload.body(event, serializer: serializer)
        let attemptedAt = clock()
        let timestamp = Int64(attemptedAt.timeIntervalSince1970.rounded(.down))
        var request = HTTPClientRequest(
            method: "POST", url: endpoint.url,
            headers: [
                "Content-Type": "application/json",
                "User-Agent": "cfimages-events/1",
                "Cfimages-Event-Id": event.id,
                "Cfimages-Event-Type": event.type.rawValue,
                "Cfimages-Signature": EventPayload.signature(
                    body: body, secrets: endpoint.signingSecrets(at: attemptedAt), timestamp: timestamp),
            ],
            body: .bytes(body), connectTimeout: min(policy.attemptTimeout, .seconds(5)), timeout: policy.attemptTimeout)
        request.maxResponseBytes = 64 << 10
        let started = ContinuousClock.now
        var status: Int?
        var excerpt = ""
        var failure: String?
        var retryAfter: Duration?
        do {
            let response = try await http.send(request)
            status = response.status
            excerpt = String(decoding: response.body.prefix(policy.excerptBytes), as: UTF8.self)
            if !(200..<300).contains(response.status) {
                failure = "HTTP \(response.status)"
                retryAfter = Self.retryAfter(response.headers["Retry-After"], now: attemptedAt)
            }
        } catch {
            failure = "\(error)"
        }
        let duration = ContinuousClock.now - started
        metrics.duration.observe(duration)
        let outcome: DeliveryAttempt.Outcome
        if failure == nil {
            outcome = .delivered
            metrics.deliveries.labels(.delivered).increment()
            metrics.latency.observe(max(0, clock().timeIntervalSince(event.createdAt)))
        } else {
            let deadline = event.createdAt.addingTimeInterval(Self.seconds(policy.retryWindow))
            let next = attemptedAt.addingTimeInterval(
                Self.seconds(max(policy.retryDelay(afterAttempts: delivery.attempts + 1), retryAfter ?? .zero)))
            if attemptedAt >= deadline {
                outcome = .gaveUp
                metrics.deliveries.labels(.gaveUp).increment()
            } else {
                outcome = .retry(at: min(next, deadline))
                metrics.deliveries.labels(.failed).increment()
            }
            logger.info(
                "Event delivery failed",
                metadata: [
                    "event": "\(event.id)", "endpoint": "\(endpoint.id)", "attempt": "\(delivery.attempts + 1)",
                    "error": "\(failure ?? "")",
                ])
        }
        let attempt = DeliveryAttempt(
            eventSeq: event.seq, endpointID: endpoint.id, attemptedAt: attemptedAt, status: status, duration: duration,
            responseExcerpt: excerpt, error: failure, outcome: outcome)
        do {
            let disabled = try await store.recordDeliveryAttempt(
                attempt, disableFailingBefore: attemptedAt.addingTimeInterval(-Self.seconds(policy.retryWindow)))
            if disabled {
                logger.warning(
                    "Event endpoint disabled after failing for the retry window",
                    metadata: [
                        "endpoint": "\(endpoint.id)"
                    ])
            }
        } catch {
            logger.error("Recording an event delivery attempt failed", metadata: ["error": "\(error)"])
        }
    }

    /// `Retry-After` as seconds or an HTTP date, capped at a day.
    static func retryAfter(_ value: String?, now: Date) -> Duration? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if value.utf8.count <= 9, value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let seconds = Int64(value) {
            return .seconds(min(seconds, 86_400))
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        let seconds = min(max(0, date.timeIntervalSince(now)), 86_400)
        return .milliseconds(Int64(seconds * 1_000))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private func prune() async {
        do {
            let pruned = try await store.pruneEvents(
                createdBefore: clock().addingTimeInterval(-Self.seconds(policy.retention)))
            if pruned > 0 { logger.info("Pruned old events", metadata: ["count": "\(pruned)"]) }
        } catch {
            logger.error("Pruning events failed", metadata: ["error": "\(error)"])
        }
    }

    private func refreshGauges() async {
        guard let endpoints = try? await store.eventEndpoints(), let backlog = try? await store.deliveryBacklog() else {
            return
        }
        for endpoint in endpoints {
            metrics.backlog.set(EventMetrics.EndpointLabel(endpoint: endpoint.id), backlog[endpoint.id] ?? 0)
        }
        metrics.disabledEndpoints.set(endpoints.filter { !$0.enabled }.count)
    }
}
