import Foundation

/// A stored `image_usages` row: content (`contentType` as `app_label.model`, `objectID`, `fieldName`) that references
/// the Cloudflare image `cloudflareID`, resolved to our image when we track it (the reference package's ImageUsage).
public struct ImageUsage: Sendable, Hashable, Codable {
    /// Where a usage came from: derived from a model's fields by the client (`auto`, pruned by reconcile) or
    /// registered by hand (`manual`, never pruned).
    public enum Source: String, Sendable, CaseIterable, Codable {
        case auto, manual
    }

    public var id: Int64
    public var cloudflareID: String
    /// Our image, nil for an unregistered reference (content pointing at an image we do not track).
    public var imageID: UUID?
    public var contentType: String
    public var objectID: String
    public var fieldName: String
    public var source: Source
    public var createdAt: Date
    public var updatedAt: Date

    public var isUnregistered: Bool { imageID == nil }

    public init(
        id: Int64, cloudflareID: String, imageID: UUID?, contentType: String, objectID: String, fieldName: String,
        source: Source, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.cloudflareID = cloudflareID
        self.imageID = imageID
        self.contentType = contentType
        self.objectID = objectID
        self.fieldName = fieldName
        self.source = source
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
