/// What the server tells a ``RequestObserver`` about each answered request, once its response is queued for writing:
/// enough for metrics, nothing that needs formatting.
public struct CompletedRequest: Sendable {
    /// The request's method; `-` for requests answered before their head could be parsed (400, 408, 413, 431...).
    public var method: HTTPMethod
    public var status: Int
    /// The response's ``Response/routePattern``; nil when no route answered (unknown path, parse error).
    public var routePattern: String?
    /// From the complete request (head and body read) to the response being queued: the handler's time.
    public var durationNanoseconds: UInt64

    public init(method: HTTPMethod, status: Int, routePattern: String?, durationNanoseconds: UInt64) {
        self.method = method
        self.status = status
        self.routePattern = routePattern
        self.durationNanoseconds = durationNanoseconds
    }

    public var duration: Duration { .nanoseconds(Int64(clamping: durationNanoseconds)) }
}

/// Called on the event loop thread for every answered request; must be cheap and must not block.
public typealias RequestObserver = @Sendable (CompletedRequest) -> Void
