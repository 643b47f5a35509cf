import Synchronization

/// A snapshot of the server's live counters, for an ops endpoint.
public struct ServerStats: Sendable, Equatable {
    /// Connections accepted and not yet closed.
    public var openConnections: Int
    /// Requests whose handler is running (or whose response is being prepared).
    public var inFlightRequests: Int
    /// Connections accepted since start (including ones closed at once for the connection cap).
    public var acceptedConnections: Int
    /// Requests answered since start, including error answers such as 400 or 408.
    public var requestsServed: Int
    /// Body bytes reserved now for requests not yet handed to a handler (see `maxBufferedBodyBytes`).
    public var bufferedBodyBytes: Int = 0
}

/// The counters behind `ServerStats`, shared by all event loops.
final class ServerCounters: Sendable {
    let openConnections = Atomic<Int>(0)
    let inFlightRequests = Atomic<Int>(0)
    let acceptedConnections = Atomic<Int>(0)
    let requestsServed = Atomic<Int>(0)

    var snapshot: ServerStats {
        ServerStats(
            openConnections: openConnections.load(ordering: .relaxed),
            inFlightRequests: inFlightRequests.load(ordering: .relaxed),
            acceptedConnections: acceptedConnections.load(ordering: .relaxed),
            requestsServed: requestsServed.load(ordering: .relaxed)
        )
    }
}
