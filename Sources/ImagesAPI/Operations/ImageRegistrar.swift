import CloudflareImages
import Foundation
import ImageStore
import JSON
import Logging

/// Tracks an image uploaded some other way, as the reference's `register_uploaded_image`: fetched from Cloudflare
/// first, it must be uploaded (not a draft) and, when `expectedCreator` is given, have that Cloudflare `creator`;
/// only then is a row created for `owner`. Used by `POST api/images/register/` and `cfimages register`.
public struct ImageRegistrar: Sendable {
    public enum Outcome: Sendable {
        case created(ImageRecord)
        /// `owner` already tracks it.
        case existing(ImageRecord)
    }

    public enum Refusal: Error, Equatable, CustomStringConvertible {
        /// Another user tracks it.
        case trackedByAnother
        case notFound(String)
        case draft(String)
        case creatorMismatch(String)

        public var description: String {
            switch self {
            case .trackedByAnother: "This Cloudflare ID is not available."
            case .notFound(let id): "Image \(id) not found in Cloudflare"
            case .draft(let id): "Image \(id) is still a draft (upload not completed)"
            case .creatorMismatch(let id): "Image \(id) does not belong to the expected creator"
            }
        }
    }

    let repository: any ImageRepository
    let cloudflare: CloudflareClient
    let logger: Logger

    public init(repository: any ImageRepository, cloudflare: CloudflareClient, logger: Logger) {
        self.repository = repository
        self.cloudflare = cloudflare
        self.logger = logger
    }

    /// - Parameter admin: may answer with an image another user tracks (as `existing`).
    /// - Throws: a ``Refusal``, a `CloudflareError` when Cloudflare fails, or a storage error.
    public func register(
        cloudflareID: String, owner: String, expectedCreator: String?, admin: Bool = false, now: Date = Date()
    ) async throws -> Outcome {
        if let existing = try await repository.image(.cloudflareID(cloudflareID), owner: nil) {
            guard admin || existing.owner == owner else { throw Refusal.trackedByAnother }
            return .existing(existing)
        }
        let remote: CloudflareImage
        do {
            remote = try await cloudflare.image(id: cloudflareID)
        } catch CloudflareError.notFound {
            throw Refusal.notFound(cloudflareID)
        }
        guard !remote.draft else { throw Refusal.draft(cloudflareID) }
        if let expectedCreator, remote.creator != expectedCreator { throw Refusal.creatorMismatch(cloudflareID) }
        let log = LogEvent(
            "image_registered", message: "Uploaded image registered from Cloudflare",
            data: ["response": JSONValue.from(remote)])
        do {
            let stored = try await repository.insert(SyncMapping.newRecord(remote, owner: owner, now: now), log: log)
            logger.info("Registered uploaded image", metadata: ["image": "\(stored.id.lowercasedText)"])
            // Read back: references recorded before the image was tracked are linked to it now.
            return .created(try await repository.image(.id(stored.id), owner: nil) ?? stored)
        } catch ImageStoreError.duplicateCloudflareID {
            // Registered by a concurrent request meanwhile: answer as if it had come first.
            guard let existing = try await repository.image(.cloudflareID(cloudflareID), owner: admin ? nil : owner)
            else {
                throw Refusal.trackedByAnother
            }
            return .existing(existing)
        }
    }
}
