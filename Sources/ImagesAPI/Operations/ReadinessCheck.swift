import CloudflareImages
import ImageStore
import Synchronization

/// What `GET /readyz` checks: the database answers, every migration is applied, and Cloudflare answered recently.
///
/// The database and migration checks run on every call (each bounded by `timeout`). Cloudflare is probed with
/// `accountStats()` at most once per `probeInterval`: the result (success or failure) is cached, concurrent
/// callers share one probe in flight, and a probe that takes longer than `timeout` counts as `timeout`.
/// Cloudflare being reachable but answering 429 counts as ready; an authentication failure, another 4xx (a wrong
/// account ID), a 5xx, a timeout or no connection does not.
public final class ReadinessCheck: Sendable {
    let repository: any ImageRepository
    let migrator: Migrator?
    let cloudflare: CloudflareClient
    let probeInterval: Duration
    let timeout: Duration
    /// The client talks to the built-in emulator: a passing probe reports `emulator`, so nobody mistakes the
    /// instance for one serving a real account.
    let cloudflareIsEmulator: Bool
    private let probe = Mutex(ProbeState())

    private struct ProbeState {
        var last: (result: CheckResult, at: ContinuousClock.Instant)?
        var running: Task<CheckResult, Never>?
    }

    /// - Parameters:
    ///   - migrator: compares the migrations folder with the database; nil leaves migrations out of the report.
    ///   - cloudflare: the client to probe. Give it `maxAttempts: 1` and short timeouts so the probe reports the
    ///     first failure rather than retrying past `timeout`.
    public init(
        repository: any ImageRepository, migrator: Migrator?, cloudflare: CloudflareClient,
        probeInterval: Duration = .seconds(30), timeout: Duration = .seconds(2), cloudflareIsEmulator: Bool = false
    ) {
        self.cloudflareIsEmulator = cloudflareIsEmulator
        self.repository = repository
        self.migrator = migrator
        self.cloudflare = cloudflare
        self.probeInterval = probeInterval
        self.timeout = timeout
    }

    /// `base` made fit for probing: one attempt, connect and request bounded by `timeout`, no budget wait. Build the
    /// probe client from it with the main client's `HTTPClient` and `budget`.
    public static func probeConfiguration(
        _ base: CloudflareClient.Configuration, timeout: Duration = .seconds(2)
    ) -> CloudflareClient.Configuration {
        var configuration = base
        configuration.maxAttempts = 1
        configuration.connectTimeout = min(base.connectTimeout, timeout)
        configuration.requestTimeout = timeout
        configuration.callDeadline = timeout
        configuration.maxBudgetWait = .zero
        return configuration
    }

    /// One check's verdict.
    public enum CheckResult: Sendable, Equatable, CustomStringConvertible {
        case ok
        /// Ready, but Cloudflare is the built-in emulator.
        case emulator
        case failed(String)

        public var isReady: Bool {
            switch self {
            case .ok, .emulator: true
            case .failed: false
            }
        }

        public var description: String {
            switch self {
            case .ok: "ok"
            case .emulator: "emulator"
            case .failed(let reason): reason
            }
        }
    }

    /// The verdicts, in report order (`database`, `migrations`, `cloudflare`).
    public struct Report: Sendable, Equatable {
        public var checks: [Check]
        public var isReady: Bool { checks.allSatisfy(\.result.isReady) }

        public struct Check: Sendable, Equatable {
            public var name: String
            public var result: CheckResult
        }
    }

    /// Runs the checks concurrently.
    public func run() async -> Report {
        async let database = databaseStatus()
        async let migrations = migrationStatus()
        async let cloudflare = cloudflareStatus()
        var checks = [Report.Check(name: "database", result: await database)]
        if let migrations = await migrations { checks.append(Report.Check(name: "migrations", result: migrations)) }
        checks.append(Report.Check(name: "cloudflare", result: await cloudflare))
        return Report(checks: checks)
    }

    func databaseStatus() async -> CheckResult {
        switch await withTimeout(timeout, { [repository] in try await repository.counts(owner: nil) }) {
        case .value: .ok
        case .failure(let error): .failed("error: \(error)")
        case .timedOut: .failed("timeout")
        }
    }

    func migrationStatus() async -> CheckResult? {
        guard let migrator else { return nil }
        switch await withTimeout(timeout, { try await migrator.pending() }) {
        case .value(let pending) where pending.isEmpty: return .ok
        case .value(let pending): return .failed("pending: " + pending.map(Self.fileName).joined(separator: ", "))
        case .failure(let error): return .failed("error: \(error)")
        case .timedOut: return .failed("timeout")
        }
    }

    /// `0002_add_index`, as the migration's file is named.
    static func fileName(_ migration: Migration) -> String {
        let digits = String(migration.version)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits + "_" + migration.name
    }

    /// The cached probe result, or a fresh probe when it is older than `probeInterval`.
    func cloudflareStatus() async -> CheckResult {
        let now = ContinuousClock.now
        let decision = probe.withLock { state -> Either in
            if let last = state.last, now - last.at < probeInterval { return .cached(last.result) }
            if let running = state.running { return .wait(running) }
            let task = Task { [self] in
                let result = await probeCloudflare()
                probe.withLock { state in
                    state.last = (result, ContinuousClock.now)
                    state.running = nil
                }
                return result
            }
            state.running = task
            return .wait(task)
        }
        switch decision {
        case .cached(let result): return result
        case .wait(let task): return await task.value
        }
    }

    private enum Either {
        case cached(CheckResult)
        case wait(Task<CheckResult, Never>)
    }

    private func probeCloudflare() async -> CheckResult {
        switch await withTimeout(timeout, { [cloudflare] in try await cloudflare.accountStats() }) {
        case .value: return cloudflareIsEmulator ? .emulator : .ok
        case .timedOut: return .failed("timeout")
        case .failure(let error as CloudflareError): return Self.verdict(error)
        case .failure(let error): return .failed("error: \(error)")
        }
    }

    /// Readiness of a Cloudflare failure; reasons are short and carry no secret.
    public static func verdict(_ error: CloudflareError) -> CheckResult {
        switch error {
        case .rateLimited: .ok
        case .authentication(let status, _): .failed("authentication failed (HTTP \(status))")
        case .notFound: .failed("rejected (HTTP 404)")
        case .clientError(let status, _): .failed(status == 0 ? "invalid request" : "rejected (HTTP \(status))")
        case .upstream(let status, _): .failed("upstream error (HTTP \(status))")
        case .timeout: .failed("timeout")
        case .connectFailed: .failed("unreachable")
        case .transport: .failed("transport error")
        case .invalidResponse: .failed("invalid response")
        }
    }
}
