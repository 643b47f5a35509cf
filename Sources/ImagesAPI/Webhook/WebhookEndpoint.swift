import Base16
import CloudflareImages
import CloudflareImagesCore
import Configuration
import Crypto
import Foundation
import HTTPFields
import HTTPServer
import ImageStore
import JSON
import Logging

/// `POST api/webhook/` (no token needed; a bad `Authorization: Token` header still answers 401 JSON).
///
/// Plain-text answers as the reference: 200 `OK` (applied, a test delivery, or a redelivery that changed nothing),
/// 400 `Invalid JSON` / `Invalid payload`, 401 `Missing signature` / `Invalid signature` / `Invalid timestamp` /
/// `Stale timestamp` (or, with a real account and no secret, why every delivery is refused), 404 `Image not found`,
/// 413 for bodies over ``maxBodyBytes``, 502 `Cloudflare API error` (the image could not be fetched; Cloudflare
/// retries), 500 `Internal server error`.
///
/// A delivery is a hint: the image it names is fetched from Cloudflare and that answer is what is stored
/// (``ImageReconciler``), so a forged or replayed body can at most make us look again. Deliveries are deduplicated
/// by the SHA-256 of the raw body (what the signature covers); the change, its `webhook_received` log row and the
/// key are written in one transaction, and keys are forgotten after `CFIMAGES_WEBHOOK_RETENTION_HOURS`.
extension APIContext {
    /// Larger deliveries are refused (the server refuses them from `Content-Length` before reading them).
    static let maxWebhookBytes = 1 << 20
    /// Deliveries up to this size are kept whole in the log row; larger ones by size and digest.
    static let maxLoggedPayloadBytes = 8 << 10

    func webhook(_ request: Request) async throws -> Response {
        _ = try await authenticator.authenticateIfPresent(request)
        if let refusal = settings.webhookRefusal {
            metrics.webhook(.badSignature)
            return Self.text(.unauthorized, refusal)
        }
        guard request.body.count <= Self.maxWebhookBytes else {
            metrics.webhook(.badPayload)
            return Self.text(.payloadTooLarge, "Payload too large")
        }
        do {
            try WebhookVerifier(secret: settings.webhookSecret)
                .verify(body: request.body, now: clock().timeIntervalSince1970) { request.headers[$0] }
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
        guard case .image(let cloudflareID, let reportsFailure, let dimensions) = payload else {
            logger.info("Webhook test delivery received")
            return Self.text(.ok, "OK")
        }
        let digest = Hex.encode(SHA256.hash(request.body))
        let logged: JSONValue =
            request.body.count <= Self.maxLoggedPayloadBytes
            ? parsed : .object(["bytes": .int(Int64(request.body.count)), "sha256": .string(digest)])
        let eventKey = "sha256:" + digest
        do {
            // A redelivery costs no Cloudflare call (the transaction below checks again).
            if try await repository.webhookEventSeen(key: eventKey) { return duplicate(cloudflareID) }
            guard let image = try await repository.image(.cloudflareID(cloudflareID), owner: nil) else {
                return unknownImage(cloudflareID)
            }
            let remote: CloudflareImage?
            do {
                remote = try await reconciler.remoteImage(cloudflareID)
            } catch {
                logger.error(
                    "Webhook refresh from Cloudflare failed",
                    metadata: ["image": "\(cloudflareID)", "error": "\(error)"])
                metrics.webhook(.cloudflareError)
                return Self.text(.badGateway, "Cloudflare API error")
            }
            let trigger = ImageReconciler.Trigger(
                event: "webhook_received", message: "Webhook processed successfully", data: ["payload": logged],
                reportsFailure: reportsFailure, dimensions: dimensions)
            let owesSettings = try await reconciler.owesSettings(image)
            let change = reconciler.change(remote, trigger, owesSettings: owesSettings)
            switch try await repository.applyWebhook(eventKey: eventKey, cloudflareID: cloudflareID, change) {
            case .applied(let updated):
                let final = await reconciler.finish(updated, owesSettings: owesSettings)
                logger.info(
                    "Processed webhook",
                    metadata: ["image": "\(final.id.lowercasedText)", "status": "\(final.status.rawValue)"])
                metrics.webhook(.applied)
                return Self.text(.ok, "OK")
            case .duplicate:
                return duplicate(cloudflareID)
            case .unknownImage:
                return unknownImage(cloudflareID)
            }
        } catch {
            metrics.webhook(.error)
            metrics.recordIfDatabaseError(error)
            logger.error("Webhook processing error", metadata: ["error": "\(error)"])
            if let unavailable = APIContext.storeUnavailable(error) {
                // Nothing was applied (the change and its deduplication key commit together): a redelivery is.
                return Self.text(.serviceUnavailable, "Database unavailable", headers: unavailable.headers)
            }
            return Self.text(.internalServerError, "Internal server error")
        }
    }

    private func duplicate(_ id: String) -> Response {
        logger.info("Ignored webhook redelivery", metadata: ["cloudflare_id": "\(id)"])
        metrics.webhook(.duplicate)
        return Self.text(.ok, "OK")
    }

    private func unknownImage(_ id: String) -> Response {
        metrics.webhook(.unknownImage)
        logger.warning("Received webhook for unknown image", metadata: ["cloudflare_id": "\(id)"])
        return Self.text(.notFound, "Image not found")
    }

    /// Django's `HttpResponse(text)`: `text/html; charset=utf-8`.
    static func text(_ status: HTTPStatus, _ text: String, headers: HTTPHeaders = HTTPHeaders()) -> Response {
        var headers = headers
        headers["Content-Type"] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: Array(text.utf8))
    }
}
