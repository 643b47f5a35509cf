import CloudflareImages
import Foundation
import HTTPServer
import ImageStore
import JSON
import Logging

/// `POST api/images/{id}/check_status/` and `GET api/images/{id}/logs/`.
extension APIContext {
    func checkStatus(_ request: Request, _ caller: Caller) async throws -> Response {
        let image = try await image(request, caller)
        try allowance.admit(caller)
        let updated = try await refreshStatus(image)
        var writer = JSONWriter(capacity: 512)
        serializer.writeStatus(updated, now: clock(), into: &writer)
        return json(writer.bytes)
    }

    /// Fetches the image from Cloudflare and adopts it with a `status_checked` log, in one transaction (a direct
    /// check may move the row back to draft: Cloudflare is the truth). Throws the error response for a Cloudflare
    /// failure.
    func refreshStatus(_ image: ImageRecord) async throws -> ImageRecord {
        let trigger = ImageReconciler.Trigger(
            event: "status_checked", message: "Image status checked: {status}", mayRegress: true)
        let updated: ImageRecord?
        do {
            updated = try await reconciler.refresh(image, trigger)
        } catch let error as CloudflareError {
            logger.error(
                "Failed to check image status", metadata: ["image": "\(image.id.lowercasedText)", "error": "\(error)"])
            throw CloudflareFailure.response(error, prefix: "Failed to check image status")
        }
        guard let updated else { throw ErrorResponse.imageNotFound }
        logger.info(
            "Checked image status",
            metadata: ["image": "\(image.id.lowercasedText)", "status": "\(updated.status.rawValue)"])
        return updated
    }

    func imageLogs(_ request: Request, _ caller: Caller) async throws -> Response {
        let image = try await image(request, caller)
        let logs = try await repository.logs(imageID: image.id, limit: nil)
        var writer = JSONWriter(capacity: 256 * max(1, logs.count))
        writer.beginArray()
        for log in logs { serializer.write(log, into: &writer) }
        writer.endArray()
        return json(writer.bytes)
    }
}
