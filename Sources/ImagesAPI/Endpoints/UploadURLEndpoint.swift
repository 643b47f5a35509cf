import CloudflareImages
import Configuration
import Foundation
import HTTPServer
import ImageStore
import JSON
import Logging

/// `POST api/upload-url/`: validates the request, asks Cloudflare for a one-time upload URL, and only then stores
/// the pending image and its `upload_url_created` log (one transaction). A Cloudflare failure leaves no row.
extension APIContext {
    /// Cloudflare's limits on direct uploads.
    static let maxCustomIDLength = 1024
    static let maxMetadataBytes = 1024
    static let expiryMinutes = 2...360

    struct UploadRequest {
        var customID: String?
        var metadata: [String: JSONValue]
        var requireSignedURLs: Bool
        var expiryMinutes: Int
        var filename: String?
        var creator: String?
    }

    func createUploadURL(_ request: Request, _ caller: Caller) async throws -> Response {
        let upload = try await validateUpload(try body(request))
        if let creator = upload.creator, creator.count > 255 {
            throw ErrorResponse.error(.badRequest, "creator exceeds 255 characters")
        }
        try allowance.admit(caller)
        let now = clock()
        let expiresAt = Self.expiry(minutes: upload.expiryMinutes, now: now)
        let options = DirectUploadOptions(
            id: upload.customID, metadata: upload.metadata, requireSignedURLs: upload.requireSignedURLs,
            expiry: expiresAt, creator: upload.creator.flatMap { $0.isEmpty ? nil : $0 }
        )
        let direct: DirectUpload
        do {
            direct = try await cloudflare.createDirectUpload(options)
        } catch let error as CloudflareError where upload.customID != nil && error.isAlreadyExists {
            throw Self.customIDTaken
        } catch {
            logger.error("Failed to create upload URL", metadata: ["error": "\(error)"])
            throw CloudflareFailure.response(error, prefix: "Failed to create upload URL")
        }
        let record = ImageRecord(
            cloudflareID: direct.id, owner: caller.userName, originalFilename: upload.filename ?? "",
            uploadURL: direct.uploadURL, status: .pending, requireSignedURLs: upload.requireSignedURLs,
            metadata: upload.metadata, creator: upload.creator ?? "", createdAt: now, expiresAt: expiresAt
        )
        let log = LogEvent(
            "upload_url_created", message: "Direct upload URL created successfully",
            data: ["response": ["id": .string(direct.id), "uploadURL": .string(direct.uploadURL)]]
        )
        let stored: ImageRecord
        do {
            stored = try await repository.insert(record, log: log)
        } catch ImageStoreError.duplicateCloudflareID {
            if upload.customID == nil {
                throw ErrorResponse.error(
                    .badGateway, "Cloudflare returned an image id that is already tracked: \(direct.id)")
            }
            throw Self.customIDTaken
        }
        logger.info("Created direct upload URL", metadata: ["image": "\(stored.id.lowercasedText)"])
        return json(serializer.uploadResponse(stored), status: .created)
    }

    /// Cloudflare's limit on metadata, as serialized: a field error when `metadata` is over it.
    @discardableResult
    static func checkMetadataSize(_ metadata: [String: JSONValue], errors: inout FieldErrors) -> Bool {
        guard JSONValue.object(metadata).jsonBytes.count > maxMetadataBytes else { return true }
        errors.add("metadata", "Ensure metadata is no more than \(maxMetadataBytes) bytes when serialized.")
        return false
    }

    /// The time a request takes to reach Cloudflare, allowed for at both ends of its expiry window.
    static let expiryTransit: TimeInterval = 30

    /// The expiry sent for `minutes` (2...360): whole seconds (as sent), and inside Cloudflare's window of now + 2
    /// minutes to now + 6 hours when the request arrives up to ``expiryTransit`` later; so 2 minutes is sent as
    /// 2 minutes 31 seconds and 360 as 6 hours less 30 seconds. The row stores the same instant.
    static func expiry(minutes: Int, now: Date) -> Date {
        let start = now.timeIntervalSince1970.rounded(.down)
        let lowest = start + 1 + 120 + expiryTransit  // + 1: `start` may be up to a second before now
        let highest = start + 21_600 - expiryTransit
        return Date(timeIntervalSince1970: min(max(start + TimeInterval(minutes * 60), lowest), highest))
    }

    /// A custom id in use answers the same whoever holds it (the caller, another user, or an image of the account
    /// we do not track), so the answer tells no user about another's images.
    static let customIDTakenMessage = "This custom ID is not available."
    static let customIDTaken = FieldErrors.field("custom_id", customIDTakenMessage)

    /// ImageUploadRequestSerializer plus Cloudflare's own limits, checked before any call.
    func validateUpload(_ body: [String: JSONValue]) async throws -> UploadRequest {
        var errors = FieldErrors()
        var customID = Fields.string(body["custom_id"], "custom_id", maxLength: 255, errors: &errors)
        if let id = customID {
            if id.count > Self.maxCustomIDLength {
                errors.add("custom_id", "Ensure this field has no more than \(Self.maxCustomIDLength) characters.")
            } else if id.hasPrefix("/") || id.hasSuffix("/") {
                errors.add("custom_id", "Custom ID must not start or end with \"/\".")
            } else if id.unicodeScalars.contains(where: {
                $0.value < 0x20 || $0.value == 0x7F || $0 == "?" || $0 == "#"
            }) {
                errors.add("custom_id", "Custom ID must not contain control characters, \"?\" or \"#\".")
            } else if id.split(separator: "/", omittingEmptySubsequences: false).contains(where: {
                $0.isEmpty || $0 == "." || $0 == ".."
            }) {
                errors.add("custom_id", "Custom ID must not contain empty, \".\" or \"..\" path segments.")
            } else if Fields.parseUUID(id) != nil {
                errors.add("custom_id", "Custom ID must not be a UUID.")
            } else if try await repository.image(.cloudflareID(id), owner: nil) != nil {
                errors.add("custom_id", Self.customIDTakenMessage)
            }
            if errors.has("custom_id") { customID = nil }
        }
        var metadata = defaultMetadata
        switch body["metadata"] {
        case nil: break
        case .null?: errors.add("metadata", Fields.notNull)
        case .object(let members)?:
            metadata.merge(members) { _, new in new }
        default: errors.add("metadata", "metadata must be a JSON object.")
        }
        if !errors.has("metadata") { Self.checkMetadataSize(metadata, errors: &errors) }
        let requireSigned = Fields.bool(body["require_signed_urls"], "require_signed_urls", errors: &errors)
        if requireSigned == true, customID != nil {
            // Cloudflare: "images with a custom ID cannot be made private with the signed URL tokens feature".
            let message = "An image with a custom ID cannot require signed URLs (Cloudflare does not support it)."
            errors.add("custom_id", message)
            errors.add("require_signed_urls", message)
        }
        let expiry = Fields.integer(
            body["expiry_minutes"], "expiry_minutes", min: Self.expiryMinutes.lowerBound,
            max: Self.expiryMinutes.upperBound, errors: &errors
        )
        let filename = Fields.string(body["filename"], "filename", maxLength: 255, errors: &errors)
        if let filename, let refusal = uploadPolicy.refusal(filename: filename) { errors.add("filename", refusal) }
        let creator = Fields.string(body["creator"], "creator", maxLength: 255, allowBlank: true, errors: &errors)
        try errors.check()
        let defaultExpiry = min(
            max(settings.defaultExpiryMinutes, Self.expiryMinutes.lowerBound), Self.expiryMinutes.upperBound)
        return UploadRequest(
            // With a custom id the image is public unless asked otherwise (and asking is refused above).
            customID: customID, metadata: metadata,
            requireSignedURLs: requireSigned ?? (customID == nil ? settings.requireSignedURLs : false),
            expiryMinutes: (expiry ?? nil) ?? defaultExpiry, filename: filename,
            creator: body["creator"] == nil ? settings.defaultCreator : creator
        )
    }
}
