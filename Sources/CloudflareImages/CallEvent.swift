/// What a ``CloudflareClient`` reports to its observer, for metrics: one `completed` per call, plus one event per
/// retry and per wait for (or refusal by) the request budget.
public enum CallEvent: Sendable, Equatable {
    /// A call ended, after `attempts` HTTP requests (0 if the budget refused it). `duration` is the whole call:
    /// budget waits, attempts and backoff sleeps.
    case completed(endpoint: Endpoint, outcome: Outcome, attempts: Int, duration: Duration = .zero)
    /// Attempt number `attempt` failed with `outcome`; the next starts after `delay`.
    case retrying(endpoint: Endpoint, attempt: Int, outcome: Outcome, delay: Duration)
    /// The call waited `delay` for the request budget.
    case budgetWait(endpoint: Endpoint, delay: Duration)

    /// The API operation, as a stable metrics label (`rawValue`).
    public enum Endpoint: String, Sendable, CaseIterable {
        case createDirectUpload = "create_direct_upload"
        case getImage = "get_image"
        case listImages = "list_images"
        case listImagesV2 = "list_images_v2"
        case updateImage = "update_image"
        case deleteImage = "delete_image"
        case accountStats = "account_stats"
        case uploadFromURL = "upload_from_url"
        case uploadFile = "upload_file"
        case signingKeys = "signing_keys"
        case listVariants = "list_variants"
        case updateConfig = "update_config"
    }

    /// How a call (or attempt) ended, as a stable metrics label (`rawValue`).
    public enum Outcome: String, Sendable, CaseIterable {
        case success
        case notFound = "not_found"
        case authentication
        case rateLimited = "rate_limited"
        case clientError = "client_error"
        case upstream
        case timeout
        case connectFailed = "connect_failed"
        case transport
        case invalidResponse = "invalid_response"
        case cancelled
    }
}
