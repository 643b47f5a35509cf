import HTTPFields
import Synchronization

/// A response a handler returns. The server adds `Date`, `Content-Length`, `Connection` and `X-Request-ID`,
/// and drops the body for HEAD requests and for 1xx/204/304 statuses.
public struct Response: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// The pattern of the route that answered (`/prefix/items/{id}/`), set by ``Router``; never sent. Observers
    /// label metrics with it instead of the raw path, so the label set stays small.
    public var routePattern: String?
    /// A body produced after the headers are sent (then `body` is not sent, and the connection closes after it).
    /// Ignored for HEAD and for statuses without a body.
    public var stream: ResponseStream?
    /// Set on a ``later(_:)`` answer: what produces the real one.
    public var pending: (@Sendable () async throws -> Response)?
    /// Set on a ``later(after:_:)`` answer: called once with the function to call when `pending` may run, it
    /// returns the function that ends the wait early (the server calls it when the client leaves). Until `ready`
    /// comes the request has no task at all.
    public var armed: (@Sendable (_ ready: @escaping @Sendable () -> Void) -> Withdraw)?

    /// Ends a held answer's wait at once, as if what it waits for had happened (its `ready` still comes, once).
    /// Calling it after that, or twice, does nothing.
    public typealias Withdraw = @Sendable () -> Void

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response from bytes that already hold JSON.
    public static func json(_ status: HTTPStatus = .ok, bytes: [UInt8]) -> Response {
        Response(status: status, headers: jsonHeaders, body: bytes)
    }

    /// Shared, so a JSON response does not allocate its one header.
    private static let jsonHeaders: HTTPHeaders = ["Content-Type": "application/json"]

    public static func text(_ status: HTTPStatus = .ok, _ text: String) -> Response {
        Response(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Array(text.utf8))
    }

    /// A `text/event-stream` answer whose events `produce` writes.
    public static func eventStream(
        headers: HTTPHeaders = HTTPHeaders(), _ produce: @escaping @Sendable (ResponseStream.Writer) async -> Void
    ) -> Response {
        var response = Response(status: .ok, headers: headers)
        response.headers.remove("Content-Type")
        response.headers.add("Content-Type", "text/event-stream; charset=utf-8")
        if !response.headers.contains("Cache-Control") { response.headers.add("Cache-Control", "no-cache") }
        response.stream = ResponseStream(produce)
        return response
    }

    /// An answer that is not ready yet (a request held until something changes). The handler's task ends with it
    /// and `produce` runs in a task of its own that holds only its own frames, so a held request costs little more
    /// than its connection. The error boundary (``Responder``) maps what `produce` throws and finishes what it
    /// returns, as it does for a handler. Not for immediate handlers (they answer at once).
    public static func later(_ produce: @escaping @Sendable () async throws -> Response) -> Response {
        var response = Response()
        response.pending = produce
        return response
    }

    /// An answer produced once something happens: `arm` registers the callback (called once, from any thread, with
    /// the value that happened) and returns what withdraws the registration, calling the callback at once with a
    /// value that says so; `produce` makes the answer from the value. While the request waits it is a registration
    /// and its connection, no task and no frames: what a request held for a minute should cost. When the client
    /// leaves first, the server withdraws the registration and `produce` does not run.
    public static func later<Value: Sendable>(
        after arm: @escaping @Sendable (_ ready: @escaping @Sendable (Value) -> Void) -> Withdraw,
        _ produce: @escaping @Sendable (Value) async throws -> Response
    ) -> Response {
        let happened = Mutex<(fired: Bool, value: Value?)>((false, nil))
        var response = Response.later {
            guard let value = happened.withLock({ $0.value.take() }) else {
                throw HTTPError(.internalServerError, "Internal server error.")
            }
            return try await produce(value)
        }
        response.armed = { ready in
            arm { value in
                let first = happened.withLock { happened -> Bool in
                    guard !happened.fired else { return false }
                    happened = (true, value)
                    return true
                }
                if first { ready() }
            }
        }
        return response
    }

    /// The answer once it is ready: this one, or what its ``later(_:)`` (or ``later(after:_:)``) part produces.
    public func resolved() async throws -> Response {
        var response = self
        while let pending = response.pending {
            if let armed = response.armed { await withCheckedContinuation { ready in _ = armed { ready.resume() } } }
            response = try await pending()
        }
        return response
    }

    /// `transform` applied to this answer: now, or once a ``later(_:)`` answer is ready.
    public func map(_ transform: @escaping @Sendable (Response) -> Response) -> Response {
        guard let pending else { return transform(self) }
        var mapped = self
        mapped.pending = { transform(try await pending()) }
        return mapped
    }

    public static func empty(_ status: HTTPStatus = .noContent) -> Response {
        Response(status: status)
    }
}
