import Foundation

/// What one attempt at a delivery came to, as the worker records it.
public struct DeliveryAttempt: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        case delivered
        /// Try again at this time.
        case retry(at: Date)
        /// The retry window is over: stop.
        case gaveUp
    }

    public var eventSeq: Int64
    public var endpointID: String
    public var attemptedAt: Date
    /// The HTTP status; nil when no answer came.
    public var status: Int?
    public var duration: Duration
    /// The first bytes of the answer, as text.
    public var responseExcerpt: String
    public var error: String?
    public var outcome: Outcome

    public init(
        eventSeq: Int64, endpointID: String, attemptedAt: Date, status: Int?, duration: Duration,
        responseExcerpt: String, error: String?, outcome: Outcome
    ) {
        self.eventSeq = eventSeq
        self.endpointID = endpointID
        self.attemptedAt = attemptedAt
        self.status = status
        self.duration = duration
        self.responseExcerpt = responseExcerpt
        self.error = error
        self.outcome = outcome
    }
}
