import Synchronization

/// A handler installed once, after the server started (when routes need the port the kernel picked); until then
/// every request gets 503. Give the server `handle` as its handler and `respondImmediately` as its immediate handler.
///
/// Installed once so that every request reads it with one atomic load, no lock shared by the event loops. The
/// handlers are kept in a class: a closure stored straight in an atomic or a mutex is re-wrapped in reabstraction
/// thunks on every read, so each request would allocate more and run slower than the last.
public final class HandlerSlot: Sendable {
    private final class Installed: Sendable {
        let handler: Handler
        let immediate: ImmediateHandler?
        init(_ handler: @escaping Handler, _ immediate: ImmediateHandler?) {
            self.handler = handler
            self.immediate = immediate
        }
    }

    private let installed = AtomicLazyReference<Installed>()

    public init() {}

    /// Installs the handlers; a slot takes them once (a second call is a programming error and traps).
    public func set(_ handler: @escaping Handler, immediate: ImmediateHandler? = nil) {
        let new = Installed(handler, immediate)
        precondition(installed.storeIfNil(new) === new, "HandlerSlot.set called twice")
    }

    public func handle(_ request: Request) async throws -> Response {
        guard let current = installed.load() else {
            return HTTPError(.serviceUnavailable, "Starting up.").response
        }
        return try await current.handler(request)
    }

    public func respondImmediately(_ request: inout Request) -> Response? {
        installed.load()?.immediate?(&request)
    }
}
