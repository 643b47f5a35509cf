import Foundation
import JSON

/// An image as the emulator holds it, in Cloudflare's terms: what ``CloudflareEmulator/image(_:)`` reads and
/// ``CloudflareEmulator/putImage(_:)`` puts in place. The bytes and the upload URL are not part of it.
public struct StoredImage: Sendable, Equatable {
    public var id: String
    public var filename: String?
    public var creator: String?
    public var metadata: [String: JSONValue]
    public var requireSignedURLs: Bool
    /// When the bytes arrived, or when the draft was created while ``draft``; kept to the millisecond, as
    /// Cloudflare reports it.
    public var uploaded: Date
    /// No bytes have arrived yet (a direct upload's record before its upload).
    public var draft: Bool

    public init(
        id: String, filename: String? = nil, creator: String? = nil, metadata: [String: JSONValue] = [:],
        requireSignedURLs: Bool = false, uploaded: Date = Date(), draft: Bool = true
    ) {
        self.id = id
        self.filename = filename
        self.creator = creator
        self.metadata = metadata
        self.requireSignedURLs = requireSignedURLs
        self.uploaded = uploaded
        self.draft = draft
    }

    init(_ image: EmulatorImage) {
        self.init(
            id: image.id, filename: image.filename, creator: image.creator, metadata: image.metadata,
            requireSignedURLs: image.requireSignedURLs,
            uploaded: Date(timeIntervalSince1970: Double(image.uploaded) / 1000), draft: image.draft)
    }

    /// Unix milliseconds of `date`, to the nearest (so that a time read back is put back unchanged); nil outside
    /// the years 0000 through 9999.
    static func milliseconds(_ date: Date) -> Int64? {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
        guard milliseconds >= Double(EmulatorDate.earliest), milliseconds <= Double(EmulatorDate.latest) else {
            return nil
        }
        return Int64(milliseconds)
    }
}
