import CloudflareImages

/// The key private images' delivery URLs are signed with: `CLOUDFLARE_IMAGES_SIGNING_KEY` when set, otherwise the
/// account's key from Cloudflare's `GET images/v1/keys`, fetched on first need and fetched again once it is older
/// than `maxAge` (keys can be rotated at Cloudflare; a rotated key would otherwise sign dead URLs for the process's
/// life). A failed or empty fetch is not kept, so the next request tries again. Concurrent requests share one
/// fetch. The key is never logged.
actor SigningKeySource {
    /// How long a key fetched from Cloudflare is used before it is fetched again.
    static let defaultMaxAge: Duration = .seconds(600)

    private let configured: String?
    private let cloudflare: CloudflareClient
    private let maxAge: Duration
    private let now: @Sendable () -> ContinuousClock.Instant
    private var fetched: (key: String, at: ContinuousClock.Instant)?
    private var inFlight: Task<String?, any Error>?

    init(
        configured: String?, cloudflare: CloudflareClient, maxAge: Duration = SigningKeySource.defaultMaxAge,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.configured = configured.flatMap { $0.isEmpty ? nil : $0 }
        self.cloudflare = cloudflare
        self.maxAge = maxAge
        self.now = now
    }

    /// The key, or nil when none is configured and Cloudflare lists none. Throws Cloudflare's error on a failed fetch.
    func key() async throws -> String? {
        if let configured { return configured }
        if let fetched, now() - fetched.at < maxAge { return fetched.key }
        if let inFlight { return try await inFlight.value }
        let task = Task { [cloudflare] () throws -> String? in
            let keys = try await cloudflare.signingKeys()
            let usable = keys.filter { !$0.value.isEmpty }
            return (usable.first { $0.name == "default" } ?? usable.first)?.value
        }
        inFlight = task
        defer { inFlight = nil }
        let key = try await task.value
        fetched = key.map { ($0, now()) }
        return key
    }
}
