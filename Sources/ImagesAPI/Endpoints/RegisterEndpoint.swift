import CloudflareImages
import Foundation
import HTTPServer
import ImageStore
import JSON

/// `POST api/images/register/` with `{"cloudflare_id": "...", "expected_creator": "..."}`: tracks an image that was
/// uploaded some other way, as the reference's `register_uploaded_image` does. The image is fetched from Cloudflare
/// first and must be uploaded (not a draft) and, when `expected_creator` is given, have that Cloudflare `creator`;
/// only then is a row created for the caller (201). An image the caller already tracks answers 200 with its row.
extension APIContext {
    func registerUploaded(_ request: Request, _ caller: Caller) async throws -> Response {
        let body = try body(request)
        var errors = FieldErrors()
        let cloudflareID = Self.label(body["cloudflare_id"], "cloudflare_id", errors: &errors)
        let expectedCreator = body["expected_creator"].flatMap { value -> String? in
            if case .null = value { return nil }
            return Fields.string(value, "expected_creator", maxLength: Self.maxLabelLength, allowBlank: true, errors: &errors)
        }
        try errors.check()
        guard let cloudflareID else { throw ErrorResponse.detail(.badRequest, "Invalid request.") }
        let now = clock()
        if let existing = try await repository.image(.cloudflareID(cloudflareID), owner: nil) {
            guard caller.isAdmin || existing.owner == caller.userName else {
                throw FieldErrors.field("cloudflare_id", "This Cloudflare ID is not available.")
            }
            return json(serializer.bytes(existing, now: now))
        }
        try allowance.admit(caller)
        let remote: CloudflareImage
        do {
            remote = try await cloudflare.image(id: cloudflareID)
        } catch where CloudflareFailure.isNotFound(error) {
            throw ErrorResponse.error(.notFound, "Image \(cloudflareID) not found in Cloudflare")
        } catch {
            throw CloudflareFailure.response(error, prefix: "Failed to register image")
        }
        guard !remote.draft else {
            throw ErrorResponse.error(.conflict, "Image \(cloudflareID) is still a draft (upload not completed)")
        }
        if let expectedCreator, remote.creator != expectedCreator {
            throw ErrorResponse.error(.forbidden, "Image \(cloudflareID) does not belong to the expected creator")
        }
        let record = SyncMapping.newRecord(remote, owner: caller.userName, now: now)
        let log = LogEvent(
            "image_registered", message: "Uploaded image registered from Cloudflare",
            data: ["response": JSONValue.from(remote)])
        do {
            let stored = try await repository.insert(record, log: log)
            logger.info("Registered uploaded image", metadata: ["image": "\(stored.id.lowercasedText)"])
            let refreshed = try await repository.image(.id(stored.id), owner: nil) ?? stored
            return json(serializer.bytes(refreshed, now: now), status: .created)
        } catch ImageStoreError.duplicateCloudflareID {
            // Registered by a concurrent request meanwhile: answer as if it had come first.
            guard let existing = try await repository.image(.cloudflareID(cloudflareID), owner: caller.scope) else {
                throw FieldErrors.field("cloudflare_id", "This Cloudflare ID is not available.")
            }
            return json(serializer.bytes(existing, now: now))
        }
    }
}
