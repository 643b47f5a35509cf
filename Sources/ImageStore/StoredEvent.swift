import Crypto
import Foundation

/// An event of the outbox: what changed, and the image as it was right after the change (before, for a deletion).
public struct StoredEvent: Sendable, Hashable {
    /// Commit order.
    public var seq: Int64
    /// "evt_" and 24 hex characters: what receivers deduplicate on.
    public var id: String
    public var type: ImageEventType
    public var image: ImageRecord
    public var createdAt: Date

    public init(seq: Int64, id: String, type: ImageEventType, image: ImageRecord, createdAt: Date) {
        self.seq = seq
        self.id = id
        self.type = type
        self.image = image
        self.createdAt = createdAt
    }

    static func newID() throws -> String { "evt_" + (try SecureRandom.hexString(byteCount: 12)) }

    /// The stored form of the snapshot.
    static func encode(_ image: ImageRecord) throws -> [UInt8] {
        Array(try JSONEncoder().encode(image))
    }

    static func decode(_ bytes: [UInt8]) throws -> ImageRecord {
        do {
            return try JSONDecoder().decode(ImageRecord.self, from: Data(bytes))
        } catch {
            throw ImageStoreError.corruptRow("events.image: \(error)")
        }
    }
}
