import CloudflareImages
import HTTPFields
import HTTPServer
import Timekeeping

/// How a failed Cloudflare call is answered: `{"error": "<prefix>: <reason>"}` with 400 for Cloudflare's own 4xx
/// answers (bad id, rejected metadata, unknown image, refused credentials), 503 when rate limited (429, or our
/// request budget), 504 on timeout, and 502 for every other upstream fault (5xx, unreachable, garbled reply).
enum CloudflareFailure {
    static func response(_ error: any Error, prefix: String) -> ErrorResponse {
        let message = "\(prefix): \(error)"
        guard let error = error as? CloudflareError else { return .error(.badGateway, message) }
        switch error {
        case .notFound, .authentication, .clientError:
            return .error(.badRequest, message)
        case .rateLimited(let retryAfter, _):
            var headers = HTTPHeaders()
            if let retryAfter {
                headers["Retry-After"] = String(max(1, retryAfter.wholeSecondsRoundedUp))
            }
            return .error(.serviceUnavailable, message, headers: headers)
        case .timeout:
            return .error(.gatewayTimeout, message)
        case .upstream, .connectFailed, .transport, .invalidResponse:
            return .error(.badGateway, message)
        }
    }

    /// Whether the error means Cloudflare has no such image.
    static func isNotFound(_ error: any Error) -> Bool {
        if case .notFound? = error as? CloudflareError { return true }
        return false
    }
}
