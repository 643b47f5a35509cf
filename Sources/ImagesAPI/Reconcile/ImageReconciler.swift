import CloudflareImages
import Foundation
import ImageStore
import JSON
import Logging

/// The one way a row takes in what Cloudflare holds for its image: `check_status`, bulk status checks, webhooks and
/// the expiry sweep all fetch the image from Cloudflare (`GET images/v1/{id}`) and adopt it here, so what the API
/// reports is what Cloudflare enforces.
///
/// Settings changed before the upload completed (an `apply_settings` follow-up) are pushed to Cloudflare as soon as
/// the upload is seen; otherwise Cloudflare's `requireSignedURLs` is adopted, and a difference is logged.
struct ImageReconciler: Sendable {
    let repository: any ImageRepository
    let cloudflare: CloudflareClient
    let logger: Logger
    let now: @Sendable () -> Date

    /// What started a refresh: names its log row, and says whether the row may move backwards.
    struct Trigger: Sendable {
        var event: String
        var message: String
        var data: [String: JSONValue] = [:]
        /// A delivery that claims the upload failed: a row Cloudflare still has as a draft (or not at all) fails.
        var reportsFailure = false
        /// Cloudflare's answer may turn an uploaded row back into a draft (only a direct status check may).
        var mayRegress = false
        /// Dimensions and format from the delivery, kept only when Cloudflare confirms the upload.
        var dimensions: Dimensions?
    }

    struct Dimensions: Sendable {
        var width: Int??
        var height: Int??
        var format: String?
    }

    /// Adopts Cloudflare's answer (`remote`, nil when Cloudflare has no such image) into the row, with the trigger's
    /// log row, then pushes owed settings once the image is uploaded. Nil when the row is gone.
    func adopt(_ remote: CloudflareImage?, into image: ImageRecord, _ trigger: Trigger) async throws -> ImageRecord? {
        let owesSettings = try await owesSettings(image)
        guard
            let updated = try await repository.update(
                .id(image.id), owner: nil, change(remote, trigger, owesSettings: owesSettings))
        else { return nil }
        return await finish(updated, owesSettings: owesSettings)
    }

    func owesSettings(_ image: ImageRecord) async throws -> Bool {
        try await repository.cloudflareFollowUp(.applySettings, imageID: image.id) != nil
    }

    /// The row change ``adopt(_:into:_:)`` makes, for callers that store it in a transaction of their own (webhooks
    /// record their delivery key with it).
    func change(
        _ remote: CloudflareImage?, _ trigger: Trigger, owesSettings: Bool
    )
        -> @Sendable (inout ImageRecord) throws -> ImageStore.LogEvent
    {
        let now = now()
        let response = remote.map(JSONValue.from) ?? .null
        return { record in
            let before = record
            if let remote {
                CloudflareUpdate.apply(remote, to: &record, now: now)
                if !owesSettings { record.requireSignedURLs = remote.requireSignedURLs }
            }
            // Cloudflare's draft carries `uploaded` too (its creation time): only `draft` tells it from an upload.
            let stillUnfinished = remote.map { $0.draft || $0.uploaded == nil } ?? true
            if trigger.reportsFailure, stillUnfinished, before.status == .pending || before.status == .draft {
                record.status = .failed
            }
            if !trigger.mayRegress, Self.progress(record.status) < Self.progress(before.status) {
                record.status = before.status
                record.uploadedAt = before.uploadedAt
            }
            if record.status == .uploaded, let dimensions = trigger.dimensions {
                if let width = dimensions.width { record.width = width }
                if let height = dimensions.height { record.height = height }
                if let format = dimensions.format { record.format = format }
            }
            var data = trigger.data
            data["response"] = response
            if before.requireSignedURLs != record.requireSignedURLs {
                data["require_signed_urls_at_cloudflare"] = .bool(record.requireSignedURLs)
            }
            let message = trigger.message.replacingOccurrences(of: "{status}", with: record.status.rawValue)
            return ImageStore.LogEvent(trigger.event, message: message, data: data)
        }
    }

    /// After the change is stored: pushes owed settings once the image is uploaded.
    func finish(_ updated: ImageRecord, owesSettings: Bool) async -> ImageRecord {
        owesSettings && updated.status == .uploaded ? await pushSettings(updated) : updated
    }

    /// How far along its life an image is: a refresh that is not a direct status check never moves a row back.
    static func progress(_ status: ImageStatus) -> Int {
        switch status {
        case .pending: 0
        case .draft: 1
        case .uploaded, .failed, .expired: 2
        }
    }

    /// Cloudflare's image, nil when Cloudflare has no such image; any other failure is thrown.
    func remoteImage(_ cloudflareID: String) async throws -> CloudflareImage? {
        do {
            return try await cloudflare.image(id: cloudflareID)
        } catch let error where CloudflareFailure.isNotFound(error) {
            return nil
        }
    }

    /// Fetches the image and adopts it. Throws Cloudflare's error (not found included) for the caller to map.
    func refresh(_ image: ImageRecord, _ trigger: Trigger) async throws -> ImageRecord? {
        let remote = try await cloudflare.image(id: image.cloudflareID)
        return try await adopt(remote, into: image, trigger)
    }

    /// Sends the row's `require_signed_urls` and `metadata` to Cloudflare and settles the follow-up; on failure the
    /// follow-up stays for the next refresh and the row is returned as it is.
    func pushSettings(_ image: ImageRecord) async -> ImageRecord {
        do {
            let result = try await cloudflare.updateImage(
                id: image.cloudflareID, metadata: image.metadata, requireSignedURLs: image.requireSignedURLs)
            let renamed = Renaming(result, of: image)
            var data: [String: JSONValue] = ["require_signed_urls": .bool(result.requireSignedURLs)]
            if let renamed { data["cloudflare_id"] = renamed.logData }
            let log = ImageStore.LogEvent(
                "cloudflare_settings_applied", message: "Settings changed before the upload were applied at Cloudflare",
                data: data)
            let updated = try await repository.update(.id(image.id), owner: nil, owing: nil, settling: .applySettings) {
                record in
                record.requireSignedURLs = result.requireSignedURLs
                record.cloudflareMetadata = result.meta
                renamed?.apply(to: &record)
                return log
            }
            logger.info("Applied pending settings at Cloudflare", metadata: ["image": "\(image.id.lowercasedText)"])
            return updated ?? image
        } catch {
            logger.warning(
                "Could not apply pending settings at Cloudflare; will retry",
                metadata: [
                    "image": "\(image.id.lowercasedText)", "error": "\(error)",
                ])
            try? await repository.recordCloudflareFollowUpFailure(
                .applySettings, cloudflareID: image.cloudflareID, error: "\(error)")
            return image
        }
    }
}
