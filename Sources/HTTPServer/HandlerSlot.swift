import Synchronization

/// A handler installed after the server started (when routes need the port the kernel picked); until then every
/// request gets 503. Give the server `handle` as its handler and `respondImmediately` as its immediate handler.
///
/// The handlers are kept in a class: a closure stored straight in `Mutex<Handler?>` is re-wrapped in reabstraction
/// thunks on every `withLock { $0 }`, so each request would allocate more and run slower than the last.
public final class HandlerSlot: Sendable {
    private final class Installed: Sendable {
        let handler: Handler
        let immediate: ImmediateHandler?
        init(_ handler: @escaping Handler, _ immediate: ImmediateHandler?) {
            self.handler = handler
            self.immediate = immediate
        }
    }

    private let installed = Mutex<Installed?>(nil)

    public init() {}

    public func set(_ handler: @escaping Handler, immediate: ImmediateHandler? = nil) {
        installed.withLock { $0 = Installed(handler, immediate) }
    }

    public func handle(_ request: Request) async throws -> Response {
        guard let current = installed.withLock({ $0 }) else {
            return HTTPError(.serviceUnavailable, "Starting up.").response
        }
        return try await current.handler(request)
    }

    public func respondImmediately(_ request: Request) -> Response? {
        installed.withLock { $0 }?.immediate?(request)
    }
}
