import CloudflareImages

/// The key private images' delivery URLs are signed with: `CLOUDFLARE_IMAGES_SIGNING_KEY` when set, otherwise the
/// account's key from Cloudflare's `GET images/v1/keys`, fetched on first need and kept for the process lifetime
/// (a failed or empty fetch is not kept, so the next request tries again). Concurrent first requests share one
/// fetch. The key is never logged.
actor SigningKeySource {
    private let configured: String?
    private let cloudflare: CloudflareClient
    private var fetched: String?
    private var inFlight: Task<String?, any Error>?

    init(configured: String?, cloudflare: CloudflareClient) {
        self.configured = configured.flatMap { $0.isEmpty ? nil : $0 }
        self.cloudflare = cloudflare
    }

    /// The key, or nil when none is configured and Cloudflare lists none. Throws Cloudflare's error on a failed fetch.
    func key() async throws -> String? {
        if let configured { return configured }
        if let fetched { return fetched }
        if let inFlight { return try await inFlight.value }
        let task = Task { [cloudflare] () throws -> String? in
            let keys = try await cloudflare.signingKeys()
            let usable = keys.filter { !$0.value.isEmpty }
            return (usable.first { $0.name == "default" } ?? usable.first)?.value
        }
        inFlight = task
        defer { inFlight = nil }
        let key = try await task.value
        fetched = key
        return key
    }
}
