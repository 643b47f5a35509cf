import CloudflareImages
import Crypto
import Foundation
import HTTPServer
import ImageStore
import JSON

/// `POST api/webhook/` (no token needed; a bad `Authorization: Token` header still answers 401 JSON).
///
/// Plain-text answers as the reference: 200 `OK` (applied, or a redelivery that changed nothing), 400
/// `Invalid JSON` / `Invalid payload`, 401 `Missing signature` / `Invalid signature` / `Invalid timestamp` /
/// `Stale timestamp`, 404 `Image not found`, 502 `Cloudflare API error` (a notification whose image could not be
/// fetched; Cloudflare retries), 500 `Internal server error`.
///
/// Deliveries are deduplicated by `X-Event-ID` / `X-Webhook-ID` when sent, else by the SHA-256 of the raw body;
/// the image change, its `webhook_received` log row and the event key are written in one transaction.
extension APIContext {
    static let eventIDHeaders = ["X-Event-ID", "X-Webhook-ID", "X-Webhook-Event-ID"]

    func webhook(_ request: Request) async throws -> Response {
        _ = try await authenticator.authenticateIfPresent(request)
        do {
            try WebhookVerifier(secret: settings.webhookSecret).verify(request, now: clock())
        } catch {
            logger.warning("Invalid webhook signature received", metadata: ["reason": "\(error.message)"])
            metrics.webhook(.badSignature)
            return Self.text(.unauthorized, error.message)
        }
        guard let parsed = try? JSONValue.parse(request.body) else {
            metrics.webhook(.badPayload)
            return Self.text(.badRequest, "Invalid JSON")
        }
        guard case .object(let object) = parsed, let payload = WebhookPayload.parse(object) else {
            metrics.webhook(.badPayload)
            return Self.text(.badRequest, "Invalid payload")
        }
        let eventKey = Self.eventIDHeaders.lazy.compactMap { request.headers[$0] }.first { !$0.isEmpty }
            .map { "event:" + $0 } ?? "sha256:" + Hex.encode(SHA256.hash(request.body))
        let logData: [String: JSONValue] = ["payload": parsed]
        let now = clock()
        do {
            let outcome: WebhookOutcome
            let cloudflareID: String
            switch payload {
            case .flat(let id, let fields):
                cloudflareID = id
                outcome = try await repository.applyWebhook(eventKey: eventKey, cloudflareID: id) { record in
                    try CloudflareUpdate.apply(payload: fields, to: &record, now: now)
                    return LogEvent("webhook_received", message: "Webhook processed successfully", data: logData)
                }
            case .notification(let id, let failed):
                cloudflareID = id
                guard try await repository.image(.cloudflareID(id), owner: nil) != nil else {
                    return unknownImage(id)
                }
                let result: CloudflareImage?
                do {
                    result = try await cloudflare.image(id: id)
                } catch where CloudflareFailure.isNotFound(error) {
                    result = nil
                } catch {
                    logger.error("Webhook refresh from Cloudflare failed", metadata: ["image": "\(id)", "error": "\(error)"])
                    metrics.webhook(.cloudflareError)
                    return Self.text(.badGateway, "Cloudflare API error")
                }
                outcome = try await repository.applyWebhook(eventKey: eventKey, cloudflareID: id) { record in
                    if let result, !(failed && result.uploaded == nil) {
                        CloudflareUpdate.apply(result, to: &record, now: now)
                    } else {
                        record.status = .failed
                    }
                    return LogEvent("webhook_received", message: "Webhook processed successfully", data: logData)
                }
            }
            switch outcome {
            case .applied(let image):
                logger.info("Processed webhook", metadata: ["image": "\(image.id.lowercasedText)", "status": "\(image.status.rawValue)"])
                metrics.webhook(.applied)
                return Self.text(.ok, "OK")
            case .duplicate:
                logger.info("Ignored webhook redelivery", metadata: ["cloudflare_id": "\(cloudflareID)"])
                metrics.webhook(.duplicate)
                return Self.text(.ok, "OK")
            case .unknownImage:
                return unknownImage(cloudflareID)
            }
        } catch is CloudflareUpdate.PayloadError {
            metrics.webhook(.badPayload)
            return Self.text(.badRequest, "Invalid payload")
        } catch {
            metrics.webhook(.error)
            metrics.recordIfDatabaseError(error)
            logger.error("Webhook processing error", metadata: ["error": "\(error)"])
            return Self.text(.internalServerError, "Internal server error")
        }
    }

    private func unknownImage(_ id: String) -> Response {
        metrics.webhook(.unknownImage)
        logger.warning("Received webhook for unknown image", metadata: ["cloudflare_id": "\(id)"])
        return Self.text(.notFound, "Image not found")
    }

    /// Django's `HttpResponse(text)`: `text/html; charset=utf-8`.
    static func text(_ status: HTTPStatus, _ text: String) -> Response {
        Response(status: status, headers: ["Content-Type": "text/html; charset=utf-8"], body: Array(text.utf8))
    }
}
