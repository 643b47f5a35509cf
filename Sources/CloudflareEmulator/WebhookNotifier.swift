import Base16
import Crypto
import Foundation
import HTTPClient
import HTTPFields
import JSON
import Logging

/// Posts upload notifications to the configured URL: by default as Cloudflare Notifications do (their envelope,
/// `cf-webhook-auth: <secret>`, no signature), or as the reference package's flat object, optionally with
/// `X-Signature: sha256=<hex HMAC-SHA256 of the body>` (``WebhookFormat``).
///
/// Delivery runs in its own task: it never delays the upload response. Non-2xx answers and transport errors are
/// logged and retried after each of `retryDelays`; the secret is never logged.
final class WebhookNotifier: Sendable {
    let url: String
    let secret: String?
    let format: WebhookFormat
    let signsBody: Bool
    let accountID: String
    /// Stands for the Notifications policy the destination belongs to.
    let policyID = UUID().uuidString.lowercased()
    let retryDelays: [Duration]
    let client: HTTPClient
    let logger: Logger
    /// The emulator's clock, for the envelope's `ts`.
    let clock: @Sendable () -> Date

    init(
        url: String, secret: String?, format: WebhookFormat, signsBody: Bool, accountID: String,
        retryDelays: [Duration],
        client: HTTPClient, logger: Logger, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.url = url
        self.secret = secret
        self.format = format
        self.signsBody = signsBody
        self.accountID = accountID
        self.retryDelays = retryDelays
        self.client = client
        self.logger = logger
        self.clock = clock
    }

    /// The headers for `body`: JSON content type, plus the two authentication headers when a secret is set.
    func headers(for body: [UInt8]) -> HTTPHeaders {
        var headers: HTTPHeaders = ["Content-Type": "application/json", "User-Agent": "cfimages-emulator"]
        if let secret, !secret.isEmpty {
            headers["cf-webhook-auth"] = secret
            if format == .flat, signsBody {
                headers["X-Signature"] = "sha256=" + Hex.encode(HMAC.sha256(key: secret, message: body))
            }
        }
        return headers
    }

    /// What is posted for the flat `image` object: the object itself, or Cloudflare's envelope around the image's
    /// id and outcome (Cloudflare documents no fixed `data` for Images: `image_id`, `status` and, on failure,
    /// `error` are ours).
    func body(for image: [String: JSONValue], imageID: String, now: Date) -> [UInt8] {
        guard format == .notifications else { return JSONValue.object(image).jsonBytes }
        let failed = image["status"]?.stringValue == "failed"
        var data: [String: JSONValue] = [
            "image_id": .string(imageID), "status": .string(failed ? "failed" : "uploaded"),
        ]
        if let error = image["error"] { data["error"] = error }
        let policy = "Images upload notifications"
        let envelope: [String: JSONValue] = [
            "name": .string(policy),
            "text": .string(failed ? "Image \(imageID) failed to upload" : "Image \(imageID) was uploaded"),
            "data": .object(data),
            "ts": .int(Int64(now.timeIntervalSince1970)),
            "account_id": .string(accountID),
            "policy_id": .string(policyID),
            "policy_name": .string(policy),
            "alert_type": "image_notification",
            "alert_correlation_id": .string(UUID().uuidString.lowercased()),
            "alert_event": "",
        ]
        return JSONValue.object(envelope).jsonBytes
    }

    /// Starts delivering `payload` (the flat image object) in the background, shaped by ``format``, and returns the
    /// task (tests may await it).
    @discardableResult
    func send(_ payload: [String: JSONValue], imageID: String) -> Task<Bool, Never> {
        let body = body(for: payload, imageID: imageID, now: clock())
        let request = HTTPClientRequest(
            method: "POST", url: url, headers: headers(for: body), body: .bytes(body),
            connectTimeout: .seconds(5), timeout: .seconds(15))
        return Task.detached { [self] in
            for attempt in 0...retryDelays.count {
                if attempt > 0 { try? await Task.sleep(for: retryDelays[attempt - 1]) }
                do {
                    let response = try await client.send(request)
                    if (200..<300).contains(response.status) {
                        logger.debug(
                            "webhook delivered", metadata: ["image": "\(imageID)", "attempt": "\(attempt + 1)"])
                        return true
                    }
                    logger.warning(
                        "webhook refused",
                        metadata: [
                            "image": "\(imageID)", "status": "\(response.status)", "attempt": "\(attempt + 1)",
                        ])
                } catch {
                    logger.warning(
                        "webhook delivery failed",
                        metadata: [
                            "image": "\(imageID)", "error": "\(error)", "attempt": "\(attempt + 1)",
                        ])
                }
            }
            logger.error("webhook given up", metadata: ["image": "\(imageID)", "attempts": "\(retryDelays.count + 1)"])
            return false
        }
    }
}
