import Synchronization

/// A handler installed after the server started (when routes need the port the kernel picked); until then every
/// request gets 503.
///
/// The handler is kept in a class: a closure stored straight in `Mutex<Handler?>` is re-wrapped in reabstraction
/// thunks on every `withLock { $0 }`, so each request would allocate more and run slower than the last.
public final class HandlerSlot: Sendable {
    private final class Installed: Sendable {
        let handler: Handler
        init(_ handler: @escaping Handler) { self.handler = handler }
    }

    private let installed = Mutex<Installed?>(nil)

    public init() {}

    public func set(_ handler: @escaping Handler) { installed.withLock { $0 = Installed(handler) } }

    public func handle(_ request: Request) async throws -> Response {
        guard let current = installed.withLock({ $0 }) else {
            return HTTPError(.serviceUnavailable, "Starting up.").response
        }
        return try await current.handler(request)
    }
}
