import Synchronization

/// A responder installed once, after the server started (when routes need the port the kernel picked); until then
/// every request gets 503. Give the server ``responder`` and install the application's with ``set(_:)``.
///
/// Installed once so that every request reads it with one atomic load, no lock shared by the event loops. The
/// responder is kept in a class: a closure stored straight in an atomic or a mutex is re-wrapped in reabstraction
/// thunks on every read, so each request would allocate more and run slower than the last.
public final class HandlerSlot: Sendable {
    private final class Installed: Sendable {
        let responder: Responder
        init(_ responder: Responder) { self.responder = responder }
    }

    private let installed = AtomicLazyReference<Installed>()

    public init() {}

    /// Installs the responder; a slot takes one once (a second call is a programming error and traps).
    public func set(_ responder: Responder) {
        let new = Installed(responder)
        precondition(installed.storeIfNil(new) === new, "HandlerSlot.set called twice")
    }

    /// The slot as the server takes it: the installed responder's parts, or 503 before one is installed.
    public var responder: Responder {
        Responder(
            immediate: { [self] (request: inout Request) -> Response? in
                installed.load()?.responder.immediate?(&request)
            },
            unhandledError: { [self] error in installed.load()?.responder.unhandledError?(error) ?? nil },
            finisher: { [self] request, response in installed.load()?.responder.finisher?(request, &response) },
            handler: { [self] request in
                guard let current = installed.load() else {
                    return HTTPError(.serviceUnavailable, "Starting up.").response
                }
                return try await current.responder.handler(request)
            })
    }
}
