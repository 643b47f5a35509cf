import CloudflareImages
import Configuration
import Foundation
import HTTPFields
import HTTPServer
import ImageStore
import JSON
import Logging

/// `GET/PUT/PATCH/DELETE api/images/{id}/` and the lookups every per-image route shares.
extension APIContext {
    /// Names under `api/images/` that are actions, not ids: other methods there answer 405, not a lookup.
    static let listActions: [String: String] = [
        "bulk_delete": "POST, OPTIONS", "bulk_status_check": "POST, OPTIONS",
    ]

    /// The image named by the `:id` path parameter, in the caller's scope and matching the query filters
    /// (the reference narrows detail routes by them); otherwise a 404.
    func image(_ request: Request, _ caller: Caller) async throws -> ImageRecord {
        let raw = request.pathParameters["id"] ?? ""
        guard let id = Fields.parseUUID(raw) else {
            if let allow = Self.listActions[raw] {
                throw ErrorResponse.detail(
                    .methodNotAllowed, "Method \"\(request.method.rawValue)\" not allowed.", headers: ["Allow": allow])
            }
            throw ErrorResponse.notFound
        }
        let filter = request.query.isEmpty ? ImageFilter() : try ImageFilter(request.query)
        guard let image = try await repository.image(.id(id), owner: caller.scope), filter.matches(image) else {
            throw ErrorResponse.imageNotFound
        }
        return image
    }

    /// With `?wait=<s>&until=uploaded|final` the answer waits (at most `wait` seconds) for the image to get there;
    /// after the time (`wait`, or `CFIMAGES_WAIT_MAX_SECONDS` when that is shorter) it is the current state, still a
    /// 200 (a 404 if the image was deleted meanwhile).
    ///
    /// A plain wait (no query filter) is registered before anything is read: the waiters' registration check is its
    /// first read (an image already there, or not the caller's, is answered by it), batched with the checks of every
    /// other wait registered meanwhile on a reader thread, so a burst of waits costs the event loops no point reads.
    func retrieveImage(_ request: Request, _ caller: Caller) async throws -> Response {
        let wait = try WaitRequest.parse(request.query)
        let eventStream = request.method == .get && Self.acceptsEventStream(request)
        if let wait, !eventStream, let id = Fields.parseUUID(request.pathParameters["id"] ?? ""),
            try !ImageFilter(request.query).narrows
        {
            return held(request, caller, id: id, wait: wait)
        }
        let image = try await image(request, caller)
        if eventStream {
            return imageEventStream(
                image, wait: wait, waitGiven: !(request.query.all("wait").last ?? "").isEmpty, caller: caller)
        }
        guard let wait, !wait.goal.isReached(by: image.status) else {
            return json(serializer.bytes(image, now: clock()))
        }
        return held(request, caller, id: image.id, wait: wait)
    }

    /// The answer of `retrieveImage` once image `id` reaches the wait's goal, is gone, or the time runs out.
    private func held(_ request: Request, _ caller: Caller, id: UUID, wait: WaitRequest) -> Response {
        let timeout = Duration.seconds(min(wait.seconds, settings.waitMaxSeconds))
        // Held as a registration (``Response/later(after:_:)``): no task or frames while it waits.
        return .later { [waiters] ready in
            waiters.park(for: id, owner: caller.scope, goal: wait.goal, timeout: timeout, wake: ready)
        } _: { [self] (outcome: ImageWaiters.Outcome) in
            switch outcome {
            case .reached(let record): return json(serializer.bytes(record, now: clock()))
            case .gone: throw ErrorResponse.imageNotFound
            case .timedOut: return json(serializer.bytes(try await self.image(request, caller), now: clock()))
            // Only when the client has left (the server then sends nothing).
            case .withdrawn: throw CancellationError()
            }
        }
    }

    /// `retrieveImage` on the event loop, for the plain lookup (no query filters) by a caller whose token is cached
    /// of a row readable without waiting (by a repository that offers such reads). Anything else, a 404 included,
    /// is left to `retrieveImage`.
    func retrieveImageImmediately(_ request: Request) -> Response? {
        guard let immediateImages, request.query.isEmpty, let caller = authenticator.cachedCaller(request),
            let id = Fields.parseUUID(request.pathParameters["id"] ?? ""),
            case .found(let image)? = try? immediateImages.imageWithoutWaiting(.id(id), owner: caller.scope)
        else { return nil }
        return json(serializer.bytes(image, now: clock()))
    }

    /// `GET api/images/by-cloudflare-id/{cloudflare_id}/`: the id may contain slashes.
    func imageByCloudflareID(_ request: Request, _ caller: Caller) async throws -> Response {
        let cloudflareID = request.pathParameters["cloudflare_id"] ?? ""
        let filter = try ImageFilter(request.query)
        guard let image = try await repository.image(.cloudflareID(cloudflareID), owner: caller.scope),
            filter.matches(image)
        else { throw ErrorResponse.imageNotFound }
        return json(serializer.bytes(image, now: clock()))
    }

    /// PUT and PATCH (every field optional in both, as in the reference). `metadata` or `require_signed_urls` given
    /// for an uploaded image are pushed to Cloudflare first (if that fails nothing changes locally), so what the API
    /// reports is what Cloudflare enforces; changed before the upload completed, they are stored with an
    /// `apply_settings` follow-up and pushed as soon as the upload is seen (webhook, status check, sync, sweep).
    func updateImage(_ request: Request, _ caller: Caller) async throws -> Response {
        let image = try await image(request, caller)
        let body = try body(request)
        var errors = FieldErrors()
        var changes = ImageChanges()
        changes.filename = Fields.string(
            body["filename"], "filename", maxLength: 255, allowBlank: true, errors: &errors)
        changes.originalFilename = Fields.string(
            body["original_filename"], "original_filename", maxLength: 255, allowBlank: true, errors: &errors)
        changes.contentType = Fields.string(
            body["content_type"], "content_type", maxLength: 100, allowBlank: true, errors: &errors)
        changes.fileSize = Fields.integer(
            body["file_size"], "file_size", min: 0, max: 2_147_483_647, allowNull: true, errors: &errors)
        if let size = changes.fileSize ?? nil, let refusal = uploadPolicy.refusal(size: size) {
            errors.add("file_size", refusal)
        }
        if let type = changes.contentType, let format = UploadFormat(mediaType: type),
            !uploadPolicy.allowed.contains(format)
        {
            errors.add("content_type", uploadPolicy.refusal(mediaType: type) ?? "")
        }
        if let name = changes.filename, let refusal = uploadPolicy.refusal(filename: name) {
            errors.add("filename", refusal)
        }
        changes.requireSignedURLs = Fields.bool(body["require_signed_urls"], "require_signed_urls", errors: &errors)
        switch body["metadata"] {
        case nil: break
        case .null?: errors.add("metadata", Fields.notNull)
        case .object(let members)?:
            if Self.checkMetadataSize(members, errors: &errors) { changes.metadata = members }
        default: errors.add("metadata", "metadata must be a JSON object.")
        }
        try errors.check()

        let touchesCloudflare = changes.metadata != nil || changes.requireSignedURLs != nil
        var owing: CloudflareFollowUp.Kind?
        var renamed: ImageReconciler.Renaming?
        if touchesCloudflare, image.status == .uploaded {
            try allowance.admit(caller)
            do {
                let result = try await cloudflare.updateImage(
                    id: image.cloudflareID, metadata: changes.metadata, requireSignedURLs: changes.requireSignedURLs)
                if changes.requireSignedURLs != nil || result.requireSignedURLs != image.requireSignedURLs {
                    changes.requireSignedURLs = result.requireSignedURLs
                }
                if changes.metadata != nil { changes.cloudflareMetadata = result.meta }
                renamed = ImageReconciler.Renaming(result, of: image)
            } catch {
                logger.error(
                    "Failed to update image", metadata: ["image": "\(image.id.lowercasedText)", "error": "\(error)"])
                throw CloudflareFailure.response(error, prefix: "Failed to update image")
            }
        } else if touchesCloudflare, image.status == .pending || image.status == .draft {
            owing = .applySettings
        }
        let fields = Self.changedFields(changes)
        var data: [String: JSONValue] = ["fields": .array(fields.map { .string($0) })]
        if owing != nil { data["cloudflare"] = "applied when the upload completes" }
        if let renamed { data["cloudflare_id"] = renamed.logData }
        let log = LogEvent("image_updated", message: "Image updated", data: data)
        let final = changes
        let renaming = renamed
        guard
            let updated = try await repository.update(
                .id(image.id), owner: caller.scope, owing: owing, settling: nil,
                { record in
                    final.apply(to: &record)
                    renaming?.apply(to: &record)
                    return log
                })
        else {
            throw ErrorResponse.imageNotFound
        }
        return json(serializer.bytes(updated, now: clock()))
    }

    static func changedFields(_ changes: ImageChanges) -> [String] {
        var fields: [String] = []
        if changes.filename != nil { fields.append("filename") }
        if changes.originalFilename != nil { fields.append("original_filename") }
        if changes.contentType != nil { fields.append("content_type") }
        if changes.fileSize != nil { fields.append("file_size") }
        if changes.requireSignedURLs != nil { fields.append("require_signed_urls") }
        if changes.metadata != nil { fields.append("metadata") }
        return fields
    }

    /// `DELETE api/images/{id}/` (and `.../delete_from_cloudflare/`): Cloudflare first (already gone counts as
    /// deleted), then the row and its logs. 204.
    func deleteImage(_ request: Request, _ caller: Caller) async throws -> Response {
        let image = try await image(request, caller)
        if !Fields.truthy(request.query["force"]) {
            let usages = try await repository.usages(UsageQuery(imageID: image.id, limit: nil))
            if !usages.items.isEmpty {
                var writer = JSONWriter(capacity: 256 * usages.items.count + 64)
                writer.beginObject()
                writer.key("error")
                writer.string("Image is still referenced by content.")
                writer.key("usages")
                writer.beginArray()
                for usage in usages.items { UsageSerializer.write(usage, into: &writer) }
                writer.endArray()
                writer.endObject()
                return json(writer.bytes, status: .conflict)
            }
        }
        if let failure = await deleteEverywhere(image, caller: caller) { throw failure }
        return Response.empty(.noContent)
    }

    /// Deletes at Cloudflare then locally; the error response when Cloudflare refused.
    func deleteEverywhere(_ image: ImageRecord, caller: Caller) async -> ErrorResponse? {
        do {
            try allowance.admit(caller)
        } catch {
            return error
        }
        do {
            try await cloudflare.deleteImage(id: image.cloudflareID)
            logger.info("Deleted image at Cloudflare", metadata: ["image": "\(image.id.lowercasedText)"])
        } catch let error where CloudflareFailure.isNotFound(error) {
            logger.info(
                "Image already absent in Cloudflare; treating delete as successful",
                metadata: ["image": "\(image.id.lowercasedText)"])
        } catch {
            logger.error(
                "Failed to delete image", metadata: ["image": "\(image.id.lowercasedText)", "error": "\(error)"])
            return CloudflareFailure.response(error, prefix: "Failed to delete image")
        }
        do {
            _ = try await repository.delete(.id(image.id), owner: caller.scope)
        } catch {
            // Gone at Cloudflare, still here: the same DELETE again finishes it (Cloudflare's 404 counts as deleted).
            logger.error(
                "Failed to delete image row", metadata: ["image": "\(image.id.lowercasedText)", "error": "\(error)"])
            return APIContext.storeUnavailable(error)
                ?? ErrorResponse.detail(.internalServerError, "Internal server error.")
        }
        return nil
    }
}
