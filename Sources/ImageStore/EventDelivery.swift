import Foundation

/// One event's delivery to one endpoint: its state, and (for a due one) what the worker needs to send it.
public struct EventDelivery: Sendable, Hashable {
    public enum State: String, Sendable, Hashable {
        case pending
        case delivered
        /// Given up after the retry window.
        case failed
    }

    public var eventSeq: Int64
    public var endpointID: String
    public var state: State
    public var attempts: Int
    public var nextAttemptAt: Date
    public var deliveredAt: Date?
    public var lastStatus: Int?
    public var lastError: String?

    public init(
        eventSeq: Int64, endpointID: String, state: State, attempts: Int, nextAttemptAt: Date, deliveredAt: Date?,
        lastStatus: Int?, lastError: String?
    ) {
        self.eventSeq = eventSeq
        self.endpointID = endpointID
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.deliveredAt = deliveredAt
        self.lastStatus = lastStatus
        self.lastError = lastError
    }
}

/// A delivery the worker may send now: the oldest pending one of its endpoint and image, due, endpoint enabled.
public struct DueDelivery: Sendable, Hashable {
    public var event: StoredEvent
    public var endpoint: EventEndpoint
    /// Attempts made before this one.
    public var attempts: Int

    public init(event: StoredEvent, endpoint: EventEndpoint, attempts: Int) {
        self.event = event
        self.endpoint = endpoint
        self.attempts = attempts
    }
}

/// An event with the state of each of its deliveries (`GET api/events/`).
public struct EventWithDeliveries: Sendable, Hashable {
    public var event: StoredEvent
    public var deliveries: [EventDelivery]

    public init(event: StoredEvent, deliveries: [EventDelivery]) {
        self.event = event
        self.deliveries = deliveries
    }
}
