import JSON
import Crypto
import Foundation
import HTTPClient
import Logging

/// Posts upload notifications to the configured URL, the way Cloudflare Notifications authenticate them
/// (`cf-webhook-auth: <secret>`), optionally with `X-Signature: sha256=<hex HMAC-SHA256 of the body>`.
///
/// Delivery runs in its own task: it never delays the upload response. Non-2xx answers and transport errors are
/// logged and retried after each of `retryDelays`; the secret is never logged.
final class WebhookNotifier: Sendable {
    let url: String
    let secret: String?
    let signsBody: Bool
    let retryDelays: [Duration]
    let client: HTTPClient
    let logger: Logger

    init(url: String, secret: String?, signsBody: Bool, retryDelays: [Duration], client: HTTPClient, logger: Logger) {
        self.url = url
        self.secret = secret
        self.signsBody = signsBody
        self.retryDelays = retryDelays
        self.client = client
        self.logger = logger
    }

    /// The headers for `body`: JSON content type, plus the two authentication headers when a secret is set.
    func headers(for body: [UInt8]) -> HTTPHeaders {
        var headers: HTTPHeaders = ["Content-Type": "application/json", "User-Agent": "cfimages-emulator"]
        if let secret, !secret.isEmpty {
            headers["cf-webhook-auth"] = secret
            if signsBody { headers["X-Signature"] = "sha256=" + Hex.encode(HMAC.sha256(key: secret, message: body)) }
        }
        return headers
    }

    /// Starts delivering `payload` in the background and returns the task (tests may await it).
    @discardableResult
    func send(_ payload: [String: JSONValue], imageID: String) -> Task<Bool, Never> {
        let body = JSONValue.object(payload).jsonBytes
        let request = HTTPClientRequest(
            method: "POST", url: url, headers: headers(for: body), body: .bytes(body),
            connectTimeout: .seconds(5), timeout: .seconds(15))
        return Task.detached { [self] in
            for attempt in 0...retryDelays.count {
                if attempt > 0 { try? await Task.sleep(for: retryDelays[attempt - 1]) }
                do {
                    let response = try await client.send(request)
                    if (200..<300).contains(response.status) {
                        logger.debug("webhook delivered", metadata: ["image": "\(imageID)", "attempt": "\(attempt + 1)"])
                        return true
                    }
                    logger.warning("webhook refused", metadata: [
                        "image": "\(imageID)", "status": "\(response.status)", "attempt": "\(attempt + 1)",
                    ])
                } catch {
                    logger.warning("webhook delivery failed", metadata: [
                        "image": "\(imageID)", "error": "\(error)", "attempt": "\(attempt + 1)",
                    ])
                }
            }
            logger.error("webhook given up", metadata: ["image": "\(imageID)", "attempts": "\(retryDelays.count + 1)"])
            return false
        }
    }
}
