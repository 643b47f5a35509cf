/// Why a request produced no response. Messages come from libcurl (`curl_easy_strerror` or its error buffer) and
/// never include request headers.
public enum HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The connect timeout or the total timeout elapsed.
    case timeout(message: String)
    /// The host could not be resolved or refused / dropped the connection attempt.
    case connectFailed(message: String)
    /// The request was refused before sending: bad method, URL scheme or header characters.
    case invalidRequest(String)
    /// The client was shut down while the request was pending.
    case shutdown
    /// Any other libcurl failure, with its `CURLcode` and message.
    case transport(code: Int, message: String)

    /// The response body passed ``HTTPClientRequest/maxResponseBytes``; the transfer was aborted there.
    case responseTooLarge(limit: Int)

    public var description: String {
        switch self {
        case .timeout(let message): "HTTP request timed out: \(message)"
        case .connectFailed(let message): "HTTP connect failed: \(message)"
        case .invalidRequest(let reason): "invalid HTTP request: \(reason)"
        case .shutdown: "HTTP client shut down"
        case .transport(let code, let message): "HTTP transport error \(code): \(message)"
        case .responseTooLarge(let limit): "HTTP response body exceeds the limit of \(limit) bytes"
        }
    }
}
