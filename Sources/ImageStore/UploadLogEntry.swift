import Foundation
import JSON

/// A stored `image_upload_logs` row.
public struct UploadLogEntry: Sendable, Hashable, Codable {
    public var id: Int64
    public var imageID: UUID
    public var eventType: String
    public var message: String
    public var data: [String: JSONValue]
    public var timestamp: Date

    public init(
        id: Int64, imageID: UUID, eventType: String, message: String, data: [String: JSONValue], timestamp: Date
    ) {
        self.id = id
        self.imageID = imageID
        self.eventType = eventType
        self.message = message
        self.data = data
        self.timestamp = timestamp
    }
}
