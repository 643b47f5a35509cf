import Foundation

/// The events an image change, or a change of the usages pointing at an image, is reported to the host app as (raw
/// values are the wire names).
public enum ImageEventType: String, Sendable, Hashable, CaseIterable, Codable {
    case uploadURLCreated = "image.upload_url_created"
    case uploaded = "image.uploaded"
    case failed = "image.failed"
    case expired = "image.expired"
    case updated = "image.updated"
    case deleted = "image.deleted"
    /// A usage now points at the image (registered, moved to it from another image, or taken over by the image when
    /// it came to be tracked).
    case usageAdded = "image.usage_added"
    /// A usage no longer points at the image (removed, pruned, replaced, or moved to another image).
    case usageRemoved = "image.usage_removed"

    /// The event a change from `before` (nil: a new image) to `after` (nil: deleted) reports, if any. Every backend
    /// derives it here so they report the same thing.
    public static func change(from before: ImageRecord?, to after: ImageRecord?) -> ImageEventType? {
        guard let after else { return before == nil ? nil : .deleted }
        guard let before else {
            switch after.status {
            case .pending, .draft: return .uploadURLCreated
            case .uploaded: return .uploaded
            case .failed: return .failed
            case .expired: return .expired
            }
        }
        if before.status != after.status {
            switch after.status {
            case .uploaded: return .uploaded
            case .failed: return .failed
            case .expired: return .expired
            case .pending, .draft: break
            }
        }
        var unchanged = after
        unchanged.updatedAt = before.updatedAt
        return unchanged == before ? nil : .updated
    }

    /// The events a usage write from `before` (nil: a new usage) to `after` (nil: removed) reports, each with the
    /// usage it names and the image it is about: an image the usage left, or one it now points at. A usage that
    /// points at no tracked image (unregistered) reports nothing; nor does a rewrite that leaves it on its image.
    public static func usageChanges(
        from before: ImageUsage?, to after: ImageUsage?
    ) -> [(type: ImageEventType, usage: ImageUsage, imageID: UUID)] {
        guard before?.imageID != after?.imageID else { return [] }
        var changes: [(type: ImageEventType, usage: ImageUsage, imageID: UUID)] = []
        if let before, let image = before.imageID { changes.append((.usageRemoved, before, image)) }
        if let after, let image = after.imageID { changes.append((.usageAdded, after, image)) }
        return changes
    }
}
