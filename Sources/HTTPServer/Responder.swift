import Logging

/// Everything an application gives the server: a ``Handler`` run as a task for each request, an
/// ``ImmediateHandler`` tried first on the event loop when the application has hot routes, a reporter told of
/// errors that no response stands for, and a finisher that sees every response last (CORS headers, say).
///
/// Build one from a ``Router`` (``Router/responder``), put several together with ``mounting(_:otherwise:)``, and give
/// the result to ``HTTPServer`` (directly or through a ``HandlerSlot``). Errors are turned into responses in one
/// place, ``respond(to:logger:)``, which the server also uses: an ``HTTPResponseError`` becomes its response, anything
/// else is logged with the request id and passed to ``unhandledError``, which may answer it (a store that lost its
/// database: 503), else a 500 that reveals nothing; then ``finisher``
/// runs on the answer, whichever way it came (immediate, handler or error). Handlers therefore throw rather than
/// catch, and a middleware that adds to responses is a finisher rather than a wrapper that would miss errors.
public struct Responder: Sendable {
    /// Told about an error that reached the boundary without being an ``HTTPResponseError``; returns the answer for
    /// it, or nil for the 500.
    public typealias ErrorReporter = @Sendable (any Error) -> Response?
    /// Sees every response last, with its request; cheap and non-blocking (it also runs on the event loop).
    public typealias Finisher = @Sendable (Request, inout Response) -> Void

    public let handler: Handler
    public let immediate: ImmediateHandler?
    public let unhandledError: ErrorReporter?
    public let finisher: Finisher?

    public init(
        immediate: ImmediateHandler? = nil, unhandledError: ErrorReporter? = nil, finisher: Finisher? = nil,
        handler: @escaping Handler
    ) {
        self.handler = handler
        self.immediate = immediate
        self.unhandledError = unhandledError
        self.finisher = finisher
    }

    /// The immediate handler with the finisher applied to what it answers.
    var finishedImmediate: ImmediateHandler? {
        guard let immediate else { return nil }
        guard let finisher else { return immediate }
        return { (request: inout Request) -> Response? in
            guard var response = immediate(&request) else { return nil }
            finisher(request, &response)
            return response
        }
    }

    /// A part of a composite responder that answers the paths it claims.
    public struct Mount: Sendable {
        let claims: @Sendable (String) -> Bool
        let responder: Responder

        /// Claims every raw path for which `claims` is true.
        public init(claiming claims: @escaping @Sendable (String) -> Bool, _ responder: Responder) {
            self.claims = claims
            self.responder = responder
        }

        /// Claims the raw paths under `path` (`/_emulator` claims `/_emulator/…`, not `/_emulatorx`).
        public static func under(_ path: String, _ responder: Responder) -> Mount {
            let prefix = path.hasSuffix("/") ? path : path + "/"
            return Mount(claiming: { $0.hasPrefix(prefix) }, responder)
        }
    }

    /// Each request goes to the first mount that claims its path, otherwise to `fallback`; the immediate path and the
    /// finisher follow the same choice, so a mount's requests never reach the fallback's immediate handler, and an
    /// unhandled error is reported to the part whose handler threw it, not to the others.
    public static func mounting(_ mounts: [Mount], otherwise fallback: Responder) -> Responder {
        guard !mounts.isEmpty else { return fallback }
        var immediate: ImmediateHandler?
        if fallback.immediate != nil || mounts.contains(where: { $0.responder.immediate != nil }) {
            immediate = { (request: inout Request) -> Response? in
                for mount in mounts where mount.claims(request.rawPath) { return mount.responder.immediate?(&request) }
                return fallback.immediate?(&request)
            }
        }
        var finisher: Finisher?
        if fallback.finisher != nil || mounts.contains(where: { $0.responder.finisher != nil }) {
            finisher = { request, response in
                for mount in mounts where mount.claims(request.rawPath) {
                    mount.responder.finisher?(request, &response)
                    return
                }
                fallback.finisher?(request, &response)
            }
        }
        return Responder(immediate: immediate, finisher: finisher) { request in
            let part = mounts.first { $0.claims(request.rawPath) }?.responder ?? fallback
            do {
                var response = try await part.handler(request)
                if let pending = response.pending, part.unhandledError != nil {
                    response.pending = {
                        do { return try await pending() } catch { throw part.reported(error) }
                    }
                }
                return response
            } catch {
                throw part.reported(error)
            }
        }
    }

    /// `error` as the boundary should see it: answered by ``unhandledError`` when that answers it.
    private func reported(_ error: any Error) -> any Error {
        let underlying = (error as? RoutedError)?.underlying ?? error
        if let report = unhandledError, !(underlying is any HTTPResponseError), let answer = report(underlying) {
            return AnsweredError(error: error, response: answer)
        }
        return error
    }

    /// The answer: the immediate one when there is one, else the handler's, with errors mapped as the server maps
    /// them. For running a responder without a server (tests, fuzzing); the server calls the parts itself.
    public func respond(to request: Request, logger: Logger) async -> Response {
        var request = request
        if let immediate = finishedImmediate, let response = immediate(&request) { return response }
        let response = await answer(request, logger: logger)
        guard response.pending != nil else { return response }
        return (try? await response.resolved()) ?? Self.internalError
    }

    /// The handler's answer, errors mapped, then finished: the one error boundary. A ``Response/later(_:)`` answer
    /// comes back with its `pending` wrapped the same way (mapped, finished, labelled with the route), so it never
    /// throws.
    func answer(_ request: Request, logger: Logger) async -> Response {
        var response = await finished(request, logger) { try await handler(request) }
        if let pending = response.pending {
            let pattern = response.routePattern
            response.pending = { [self] in
                var ready = await finished(request, logger) { try await pending().resolved() }
                if ready.routePattern == nil { ready.routePattern = pattern }
                return ready
            }
        }
        return response
    }

    private func finished(
        _ request: Request, _ logger: Logger, _ body: () async throws -> Response
    ) async -> Response {
        var response: Response
        do {
            response = try await body()
        } catch let answered as AnsweredError {
            response = self.response(for: answered.error, request, logger, answer: answered.response)
        } catch {
            response = self.response(for: error, request, logger)
        }
        if response.pending == nil { finisher?(request, &response) }
        return response
    }

    static var internalError: Response { HTTPError(.internalServerError, "Internal server error.").response }

    private func response(
        for error: any Error, _ request: Request, _ logger: Logger, answer: Response? = nil
    ) -> Response {
        if let routed = error as? RoutedError {
            var response = self.response(for: routed.underlying, request, logger, answer: answer)
            response.routePattern = routed.pattern
            return response
        }
        if let error = error as? any HTTPResponseError { return error.response }
        logger.error(
            "Unhandled error in request handler",
            metadata: [
                "request_id": .string(request.requestID),
                "http.method": .string(request.method.rawValue),
                "http.path": .string(request.rawPath),
                "error": .string(String(describing: error)),
            ])
        if let answer { return answer }
        return unhandledError?(error) ?? Self.internalError
    }
}

/// An error thrown by a route's handler, with the route it came from, so that the boundary's response carries the
/// route's pattern (metrics label by it).
struct RoutedError: Error {
    let pattern: String
    let underlying: any Error
}

/// An error a mounted part's reporter has already answered (``Responder/mounting(_:otherwise:)``): the boundary logs
/// `error` and sends `response`.
struct AnsweredError: Error {
    let error: any Error
    let response: Response
}

extension Router {
    /// `body`'s response labelled with `pattern` (``Response/routePattern``), whether it returns or throws: for
    /// answers that do not come from a ``Router`` route but should be counted as one.
    public static func labelling(
        _ pattern: String, _ body: () async throws -> Response
    ) async throws -> Response {
        do {
            var response = try await body()
            response.routePattern = pattern
            return response
        } catch let error as RoutedError {
            throw error
        } catch {
            throw RoutedError(pattern: pattern, underlying: error)
        }
    }
}
