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
    /// The usage an `image.usage_added` or `image.usage_removed` event reports, as it was; nil for the others.
    public var usage: ImageUsage?
    public var createdAt: Date

    public init(
        seq: Int64, id: String, type: ImageEventType, image: ImageRecord, usage: ImageUsage? = nil, createdAt: Date
    ) {
        self.seq = seq
        self.id = id
        self.type = type
        self.image = image
        self.usage = usage
        self.createdAt = createdAt
    }

    static func newID() throws -> String { "evt_" + (try SecureRandom.hexString(byteCount: 12)) }

    /// The stored form of a snapshot (the image, or the usage).
    static func encode(_ value: some Encodable) throws -> [UInt8] {
        Array(try JSONEncoder().encode(value))
    }

    static func decode<Value: Decodable>(_ type: Value.Type, _ bytes: [UInt8], column: String) throws -> Value {
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch {
            throw ImageStoreError.corruptRow("events.\(column): \(error)")
        }
    }
}
