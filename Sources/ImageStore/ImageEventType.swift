/// The events an image change is reported to the host app as (raw values are the wire names).
public enum ImageEventType: String, Sendable, Hashable, CaseIterable, Codable {
    case uploadURLCreated = "image.upload_url_created"
    case uploaded = "image.uploaded"
    case failed = "image.failed"
    case expired = "image.expired"
    case updated = "image.updated"
    case deleted = "image.deleted"

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
}
