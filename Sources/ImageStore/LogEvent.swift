import JSON

/// A log row to write together with a change: what happened, in the reference's terms
/// (`event_type` such as `upload_url_created`, `status_checked`, `webhook_received`).
public struct LogEvent: Sendable, Hashable {
    public var eventType: String
    public var message: String
    public var data: [String: JSONValue]

    public init(_ eventType: String, message: String = "", data: [String: JSONValue] = [:]) {
        self.eventType = eventType
        self.message = message
        self.data = data
    }
}
