/// A failed Cloudflare Images API call. Cloudflare's own error codes and messages are kept; the API token never
/// appears in any case (the client scrubs it from every message it did not write itself).
public enum CloudflareError: Error, Sendable, Equatable, CustomStringConvertible {
    /// HTTP 404: no such image (or key).
    case notFound([APIError])
    /// HTTP 401/403: the token is missing, wrong or lacks the Images permission.
    case authentication(status: Int, errors: [APIError])
    /// HTTP 429 from Cloudflare (`errors` non-empty, `retryAfter` from `Retry-After`), or our own request budget
    /// could not admit the call within the allowed wait (`errors` empty, `retryAfter` = time until a slot frees).
    case rateLimited(retryAfter: Duration?, errors: [APIError])
    /// Any other 4xx, or `success: false` on a 2xx.
    case clientError(status: Int, errors: [APIError])
    /// HTTP 5xx.
    case upstream(status: Int, errors: [APIError])
    /// The connect or total timeout elapsed.
    case timeout
    /// The API host could not be reached (resolution failed, connection refused).
    case connectFailed(message: String)
    /// Any other transport failure (reset, TLS, truncated response), with libcurl's message.
    case transport(message: String)
    /// The response was not the JSON envelope we expected.
    case invalidResponse(String)

    public var description: String {
        switch self {
        case .notFound(let errors): "Cloudflare: not found\(Self.render(errors))"
        case .authentication(let status, let errors):
            "Cloudflare: authentication failed (HTTP \(status))\(Self.render(errors))"
        case .rateLimited(let retryAfter, let errors):
            "Cloudflare: rate limited\(retryAfter.map { ", retry after \($0)" } ?? "")\(errors.isEmpty ? " (local request budget)" : Self.render(errors))"
        case .clientError(let status, let errors): "Cloudflare: request rejected (HTTP \(status))\(Self.render(errors))"
        case .upstream(let status, let errors): "Cloudflare: upstream failure (HTTP \(status))\(Self.render(errors))"
        case .timeout: "Cloudflare: request timed out"
        case .connectFailed(let message): "Cloudflare: connect failed: \(message)"
        case .transport(let message): "Cloudflare: transport error: \(message)"
        case .invalidResponse(let reason): "Cloudflare: invalid response: \(reason)"
        }
    }

    /// Cloudflare's errors, when the case carries any.
    /// Cloudflare's "already exists": a 409, or error code 5409.
    public var isAlreadyExists: Bool {
        if case .clientError(409, _) = self { return true }
        return apiErrors.contains { $0.code == 5409 }
    }

    /// Whether the request may have been carried out although no answer said so (a 5xx, a timeout, a broken
    /// transfer); never for a refused connection or a 429.
    var mayHaveBeenApplied: Bool {
        switch self {
        case .upstream, .timeout, .transport, .invalidResponse: true
        default: false
        }
    }

    public var apiErrors: [APIError] {
        switch self {
        case .notFound(let errors), .authentication(_, let errors), .rateLimited(_, let errors),
            .clientError(_, let errors), .upstream(_, let errors):
            errors
        case .timeout, .connectFailed, .transport, .invalidResponse: []
        }
    }

    /// The metrics label for this error.
    public var outcome: CallEvent.Outcome {
        switch self {
        case .notFound: .notFound
        case .authentication: .authentication
        case .rateLimited: .rateLimited
        case .clientError: .clientError
        case .upstream: .upstream
        case .timeout: .timeout
        case .connectFailed: .connectFailed
        case .transport: .transport
        case .invalidResponse: .invalidResponse
        }
    }

    private static func render(_ errors: [APIError]) -> String {
        errors.isEmpty ? "" : ": " + errors.map(\.description).joined(separator: "; ")
    }
}
