import Foundation

/// Storage of event endpoints, the outbox of events and their deliveries.
///
/// Events themselves are written by the image repository of the same backend, in the transaction of the change
/// they report (`EventOutbox`); this protocol is what the API and the delivery worker use.
public protocol EventStore: Sendable {
    // MARK: Endpoints

    /// Stores a new endpoint as given.
    func createEventEndpoint(_ endpoint: EventEndpoint) async throws -> EventEndpoint

    /// Every endpoint, oldest first.
    func eventEndpoints() async throws -> [EventEndpoint]

    func eventEndpoint(id: String) async throws -> EventEndpoint?

    /// Changes the fields given (nil: unchanged). Enabling clears `failingSince` and `disabledReason`.
    /// Nil when there is no such endpoint.
    func updateEventEndpoint(
        id: String, url: String?, events: [ImageEventType]?, description: String?, enabled: Bool?, at: Date
    ) async throws -> EventEndpoint?

    /// Makes `newSecret` the secret; the current one keeps signing beside it until `previousValidUntil`.
    func rotateEventEndpointSecret(
        id: String, newSecret: String, previousValidUntil: Date, at: Date
    ) async throws
        -> EventEndpoint?

    /// Deletes the endpoint and its deliveries. Whether it existed.
    func deleteEventEndpoint(id: String) async throws -> Bool

    // MARK: Deliveries

    /// Up to `limit` deliveries that may be sent at `now` (pending, due, to an enabled endpoint, and the oldest
    /// pending one of their endpoint and image, so each endpoint sees one image's events in order), claimed for the
    /// caller until `leaseEnd`: no other caller, in this process or another on the same database, gets them before
    /// then. One whose attempt is not recorded by then (the process died) is due again at `leaseEnd`.
    func claimDueDeliveries(now: Date, leaseEnd: Date, limit: Int) async throws -> [DueDelivery]

    /// When the next pending delivery to an enabled endpoint is due, if any.
    func nextDeliveryDue() async throws -> Date?

    /// Logs the attempt and applies its outcome. A failure marks the endpoint failing (since the first failure);
    /// when it has been failing since before `disableFailingBefore`, or a delivery is given up and nothing was
    /// delivered to the endpoint since that delivery's first attempt, it is disabled. Returns whether it was.
    func recordDeliveryAttempt(_ attempt: DeliveryAttempt, disableFailingBefore: Date) async throws -> Bool

    /// Pending deliveries per enabled endpoint id.
    func deliveryBacklog() async throws -> [String: Int]

    // MARK: Events

    /// The newest events (newest first) with their deliveries.
    func recentEvents(limit: Int) async throws -> [EventWithDeliveries]

    func event(id: String) async throws -> EventWithDeliveries?

    /// Sends the event again to every enabled endpoint that takes its type: its deliveries become pending, due at
    /// `at`. Whether the event exists.
    func redeliverEvent(id: String, at: Date) async throws -> Bool

    /// Deletes events created before `cutoff` (their deliveries and attempts go with them). How many.
    func pruneEvents(createdBefore cutoff: Date) async throws -> Int
}
