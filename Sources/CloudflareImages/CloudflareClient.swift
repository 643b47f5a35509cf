import Foundation
import HTTPClient
import Logging

/// The Cloudflare Images API over libcurl: typed calls, the v4 envelope decoded, typed errors, retries with
/// exponential backoff and full jitter, and a client-side request budget.
///
/// Every call goes to `{baseURL}/accounts/{accountID}/images/...` with `Authorization: Bearer <token>`. Retries
/// happen on 429, 5xx and transport failures for idempotent calls and direct-upload creation; uploads of image
/// bytes or URLs retry only when the request certainly was not processed (429, connect failure). Other 4xx are
/// never retried. The token never reaches logs or errors.
public final class CloudflareClient: Sendable {
    public let configuration: Configuration
    /// The budget this client draws from; pass the same one to every client of one account.
    public let budget: RequestBudget
    /// The budget this process shares with the others of the account, taken from before ``budget``; nil when this
    /// process is the only one.
    public let sharedBudget: SharedRequestBudget?
    let http: HTTPClient
    let logger: Logger
    let observer: (@Sendable (CallEvent) -> Void)?

    /// - Parameters:
    ///   - httpClient: shared transport; a new one (with its own thread) when nil.
    ///   - budget: shared budget; a new one from the configuration's limit and window when nil.
    ///   - sharedBudget: the account's budget across processes, when there are several.
    ///   - observer: called synchronously for every ``CallEvent``; keep it cheap.
    public init(
        configuration: Configuration,
        httpClient: HTTPClient? = nil,
        budget: RequestBudget? = nil,
        sharedBudget: SharedRequestBudget? = nil,
        logger: Logger = Logger(label: "cfimages.cloudflare"),
        observer: (@Sendable (CallEvent) -> Void)? = nil
    ) throws {
        self.configuration = configuration
        self.http = try httpClient ?? HTTPClient()
        self.budget =
            budget
            ?? RequestBudget(
                limit: configuration.budgetLimit, window: configuration.budgetWindow,
                burst: configuration.requestsPerSecond.map { RequestBudget.Limit(count: $0, window: .seconds(1)) })
        self.sharedBudget = sharedBudget
        self.logger = logger
        self.observer = observer
    }

    /// How a call may be retried.
    enum RetryPolicy {
        /// Safe to repeat: retry 429, 5xx, timeouts and transport errors.
        case idempotent
        /// Repeating could act twice: retry only when the request was certainly not processed.
        case unprocessedOnly

        func allows(_ error: CloudflareError) -> Bool {
            switch (self, error) {
            case (_, .rateLimited), (_, .connectFailed): true
            case (.idempotent, .upstream), (.idempotent, .timeout), (.idempotent, .transport): true
            default: false
            }
        }
    }

    /// One API operation, before it is sent.
    struct Call {
        var endpoint: CallEvent.Endpoint
        var method: String
        /// Path below `…/images/`, already percent-encoded.
        var path: String
        var query: [(String, String)] = []
        var body: HTTPClientRequest.Body = .none
        var contentType: String?
        var retry: RetryPolicy
        /// For a create that may already have been applied by an attempt whose answer was lost: called when a later
        /// attempt meets "already exists" (409, 5409); true when it freed the id, so the call is sent again.
        var freeConflict: (@Sendable () async throws -> Bool)?
    }

    /// Runs `call` with budget, retries and deadline, and returns the decoded envelope: read with `reading` from
    /// the parsed JSON when given (hot paths), otherwise with `JSONDecoder`.
    func perform<Result: Decodable>(
        _ call: Call, decoding: Result.Type, reading: Envelope<Result>.Reader? = nil
    ) async throws -> Envelope<Result> {
        let clock = ContinuousClock()
        let started = clock.now
        let deadline = started + configuration.callDeadline
        var attempts = 0
        /// The last failure after which the request may have been carried out (its answer lost).
        var uncertain: CloudflareError?
        while true {
            let failure: CloudflareError
            var sent = false
            do {
                try await admit(call.endpoint, deadline: deadline)
                attempts += 1
                sent = true
                let envelope = try await attempt(call, decoding: Result.self, reading: reading, deadline: deadline)
                finish(call.endpoint, .success, attempts: attempts, since: started)
                return envelope
            } catch let error as CloudflareError {
                failure = error
            } catch {
                finish(call.endpoint, .cancelled, attempts: attempts, since: started)
                throw error
            }
            // A budget refusal happens before any request: nothing to retry.
            guard sent else {
                finish(call.endpoint, failure.outcome, attempts: attempts, since: started)
                throw failure
            }
            if case .rateLimited(let retryAfter?, let errors) = failure, !errors.isEmpty {
                await pauseBudgets(for: retryAfter)
            }
            if let uncertain, let freeConflict = call.freeConflict, failure.isAlreadyExists {
                let freed: Bool
                do {
                    freed = try await freeConflict()
                } catch {
                    // Whether the id is ours could not be told: that failure is the answer, not "already exists".
                    finish(
                        call.endpoint, (error as? CloudflareError)?.outcome ?? .cancelled, attempts: attempts,
                        since: started)
                    throw error
                }
                if freed {
                    guard attempts < configuration.maxAttempts else {
                        // Freed, but no attempt left to create it anew: the lost answer is the answer, not "taken".
                        finish(call.endpoint, uncertain.outcome, attempts: attempts, since: started)
                        throw uncertain
                    }
                    continue
                }
            }
            if failure.mayHaveBeenApplied { uncertain = failure }
            let delay = retryDelay(after: attempts, failure: failure)
            guard attempts < configuration.maxAttempts, call.retry.allows(failure), clock.now + delay < deadline else {
                finish(call.endpoint, failure.outcome, attempts: attempts, since: started)
                throw failure
            }
            observer?(.retrying(endpoint: call.endpoint, attempt: attempts, outcome: failure.outcome, delay: delay))
            logger.debug(
                "Cloudflare call will retry",
                metadata: [
                    "endpoint": "\(call.endpoint.rawValue)", "attempt": "\(attempts)",
                    "outcome": "\(failure.outcome.rawValue)",
                ])
            do {
                try await Task.sleep(for: delay)
            } catch {
                finish(call.endpoint, .cancelled, attempts: attempts, since: started)
                throw error
            }
        }
    }

    /// Waits for a slot of the shared budget (when there is one), then of this process's, or throws ``CloudflareError/rateLimited(retryAfter:errors:)`` with no errors.
    private func admit(_ endpoint: CallEvent.Endpoint, deadline: ContinuousClock.Instant) async throws {
        while let retryAfter = await sharedBudget?.take() {
            guard retryAfter <= min(configuration.maxBudgetWait, max(.zero, deadline - ContinuousClock.now)) else {
                throw CloudflareError.rateLimited(retryAfter: retryAfter, errors: [])
            }
            observer?(.budgetWait(endpoint: endpoint, delay: retryAfter))
            try await Task.sleep(for: retryAfter)
        }
        let remaining = max(.zero, deadline - ContinuousClock.now)
        switch budget.reserve(maxWait: min(configuration.maxBudgetWait, remaining)) {
        case .proceed:
            return
        case .wait(let delay):
            observer?(.budgetWait(endpoint: endpoint, delay: delay))
            try await Task.sleep(for: delay)
        case .refuse(let retryAfter):
            throw CloudflareError.rateLimited(retryAfter: retryAfter, errors: [])
        }
    }

    /// Cloudflare refuses calls for `duration`: this process's budget and, when there is one, every process's.
    func pauseBudgets(for duration: Duration) async {
        budget.pause(for: duration)
        await sharedBudget?.pause(for: duration)
    }

    /// Full jitter on an exponential cap; a 429's `Retry-After` is honoured as a floor.
    private func retryDelay(after attempt: Int, failure: CloudflareError) -> Duration {
        let exponent = min(attempt - 1, 30)
        let cap = min(configuration.retryMaxDelay, configuration.retryBaseDelay * (1 << exponent))
        let jitter = cap * Double.random(in: 0...1)
        if case .rateLimited(let retryAfter?, _) = failure { return max(jitter, retryAfter) }
        return jitter
    }

    private func finish(
        _ endpoint: CallEvent.Endpoint, _ outcome: CallEvent.Outcome, attempts: Int,
        since started: ContinuousClock.Instant
    ) {
        observer?(
            .completed(
                endpoint: endpoint, outcome: outcome, attempts: attempts, duration: ContinuousClock.now - started))
        logger.debug(
            "Cloudflare call",
            metadata: [
                "endpoint": "\(endpoint.rawValue)", "outcome": "\(outcome.rawValue)", "attempts": "\(attempts)",
            ])
    }
}
