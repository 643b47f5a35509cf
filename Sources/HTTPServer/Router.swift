import HTTPFields

/// The one seam between the server and an application: every request goes through a handler.
public typealias Handler = @Sendable (Request) async throws -> Response

/// Answers a request at once, on the event loop thread, or declines with nil so the ``Handler`` runs as usual.
///
/// For hot routes whose answer is ready without waiting (a cache hit, a point read that never waits for a lock):
/// the server skips starting a task for them. It must not block for long, since every connection of its loop
/// waits meanwhile, and must decline whenever it cannot give exactly the answer the handler would.
///
/// The request is `inout` so that the layers it passes through (a ``Router`` recording the path parameters) work on
/// the server's copy instead of making their own (a `Request` holds a dozen references: a copy retains and later
/// releases each). A declined request goes on to the ``Handler`` as left.
public typealias ImmediateHandler = @Sendable (inout Request) -> Response?

/// A route's ``ImmediateHandler``: gets the request with its path parameters set.
public typealias ImmediateRouteHandler = @Sendable (Request) -> Response?

/// Matches a request's raw path against registered patterns, under an optional prefix.
///
/// Patterns are `/`-separated: a literal segment, `:name` (one segment), or a final `*name` (the rest of the path,
/// slashes included). The prefix and literal segments are compared with the raw, still percent-encoded bytes, so a
/// path reaches a route only spelled as registered (`/%61pi` is not `/api`); each captured parameter is
/// percent-decoded on its own after matching (an encoded `%2F` in a parameter is a `/` of its value). A trailing
/// slash is optional on both sides. A known path with the wrong method answers 405 with `Allow`, `OPTIONS` on it
/// (without a route of its own) 204 with the same `Allow`; an unknown path answers a JSON 404. `HEAD` falls back to
/// the `GET` route. Routes are tried in registration order, with one exception: where a route of another method
/// has a literal segment in place of a parameter (`POST /images/register` beside `PUT /images/:id`) and no route of
/// this method has that pattern, the less specific route does not see that path (`PUT /images/register` is a 405
/// with `Allow: POST, OPTIONS`, as Django's first matching URL pattern answers, not the `:id` route's 404).
public final class Router: Sendable {
    /// A class, so that trying each route per request retains one reference rather than copying every field.
    final class Route: Sendable {
        let method: HTTPMethod
        let segments: [Segment]
        let handler: Handler
        let immediate: ImmediateRouteHandler?
        /// The group's check of the caller (see ``RouteBuilder/group(_:_:)``), also run before a 405 for this path.
        let admission: Admission?
        /// Prefix included, parameters as `{name}`: built once, put on every response of this route.
        let pattern: String
        /// The names of its parameters, in pattern order: shared by every request's ``PathParameters``.
        let parameterNames: [String]
        /// Indexes in the router's routes of those that take a path from this one (see the type's comment).
        let shadowedBy: [Int]

        init(_ spec: RouteBuilder.Spec, pattern: String, shadowedBy: [Int]) {
            self.shadowedBy = shadowedBy
            self.method = spec.method
            self.segments = spec.segments
            self.handler = spec.handler
            self.immediate = spec.immediate
            self.admission = spec.admission
            self.pattern = pattern
            self.parameterNames = spec.segments.compactMap { segment in
                switch segment {
                case .literal: nil
                case .parameter(let name), .rest(let name): name
                }
            }
        }

        /// Whether a path of `count` segments (below the prefix) could match: exactly as many as the pattern has,
        /// or for a pattern ending in `*name`, at least as many.
        func admits(segmentCount count: Int) -> Bool {
            if case .rest? = segments.last { return count >= segments.count }
            return count == segments.count
        }
    }

    enum Segment: Sendable, Equatable {
        /// The segment's UTF-8 bytes.
        case literal([UInt8])
        case parameter(String)
        case rest(String)
    }

    /// What a request's method and path select.
    private enum Selection {
        case route(Route, PathParameters)
        case methodNotAllowed(firstMatch: Route, allowed: [HTTPMethod])
        case options(firstMatch: Route, allowed: [HTTPMethod])
        case notFound
    }

    private let prefix: [[UInt8]]
    private let routes: [Route]
    private let index: Index
    private let hasImmediateRoutes: Bool

    /// Patterns registered through `builder` are matched below `prefix` (e.g. `/cloudflare-images`).
    public init(prefix: String = "", _ build: (inout RouteBuilder) -> Void) {
        var builder = RouteBuilder()
        build(&builder)
        let prefix = Router.split(prefix)
        self.prefix = prefix.map { Array($0.utf8) }
        let registered = builder.routes
        self.routes = registered.map { route in
            Route(
                route, pattern: Router.pattern(prefix: prefix, route.segments),
                shadowedBy: registered.indices.filter { i in
                    registered[i].method != route.method
                        && Router.isMoreSpecific(registered[i].segments, than: route.segments)
                        && !registered.contains { $0.method == route.method && $0.segments == registered[i].segments }
                })
        }
        self.index = Index(routes)
        self.hasImmediateRoutes = routes.contains { $0.immediate != nil }
    }

    /// Every registered `(method, pattern)` pair, prefix included, for documentation checks.
    public var routeTable: [(method: HTTPMethod, pattern: String)] {
        routes.map { ($0.method, $0.pattern) }
    }

    static func pattern(prefix: [String], _ segments: [Segment]) -> String {
        let parts =
            prefix
            + segments.map { segment -> String in
                switch segment {
                case .literal(let bytes): return String(decoding: bytes, as: UTF8.self)
                case .parameter(let n): return "{\(n)}"
                case .rest(let n): return "{\(n)}"
                }
            }
        return parts.isEmpty ? "/" : "/" + parts.joined(separator: "/") + "/"
    }

    /// The router as the server takes it: its handler, and its immediate routes when it has any.
    public var responder: Responder {
        var immediate: ImmediateHandler?
        if hasImmediateRoutes {
            immediate = { [self] (request: inout Request) -> Response? in respondImmediately(to: &request) }
        }
        return Responder(immediate: immediate) { [self] request in try await respond(to: request) }
    }

    /// Answers the request: the matching handler's response, 405, or 404. The response carries the matched route's
    /// pattern in `routePattern` (for a 405, the first route whose path matched); a handler's error propagates with
    /// that pattern attached, for the error boundary (``Responder``) to answer. Before a 405, the first matching
    /// route's admission runs, so a caller its group refuses learns that (401, 403) rather than the methods.
    public func respond(to request: Request) async throws -> Response {
        switch select(request) {
        case .route(let route, let parameters):
            var request = request
            request.pathParameters = parameters
            return try await Router.labelling(route.pattern) { try await route.handler(request) }
        case .methodNotAllowed(let firstMatch, let allowed):
            if let admission = firstMatch.admission {
                try await Router.labelling(firstMatch.pattern) {
                    try await admission(request)
                    return Response()
                }
            }
            var response = HTTPError(
                .methodNotAllowed,
                "Method \"\(request.method.rawValue)\" not allowed.",
                headers: ["Allow": Router.allowHeader(allowed)]
            ).response
            response.routePattern = firstMatch.pattern
            return response
        case .options(let firstMatch, let allowed):
            var response = Router.optionsResponse(allowed)
            response.routePattern = firstMatch.pattern
            return response
        case .notFound:
            return Router.notFound
        }
    }

    /// The immediate answer of the route `respond(to:)` would run, when it has an ``ImmediateRouteHandler`` and that
    /// handler answers; nil otherwise (then call `respond(to:)`). A route with one gets its path parameters set on
    /// `request` whether it answers or not.
    public func respondImmediately(to request: inout Request) -> Response? {
        guard hasImmediateRoutes, case .route(let route, let parameters) = select(request),
            let immediate = route.immediate
        else { return nil }
        request.pathParameters = parameters
        guard var response = immediate(request) else { return nil }
        response.routePattern = route.pattern
        return response
    }

    /// The first route matching the path with the request's method; for `HEAD` without a route of its own, the
    /// first `GET` route.
    private func select(_ request: Request) -> Selection {
        var path = request.rawPath
        return path.withUTF8 { bytes in
            let segments = Router.segmentRanges(bytes)
            guard segments.count >= prefix.count,
                zip(segments, prefix).allSatisfy({ bytes[$0].elementsEqual($1) })
            else { return .notFound }
            let rest = segments[prefix.count...]
            // The usual case: a route with the request's method matches. Only its candidates are tried.
            if let candidates = index.candidates(request.method, segmentCount: rest.count) {
                for route in candidates {
                    guard let parameters = Router.match(route, rest, in: bytes) else { continue }
                    if isShadowed(route, rest, in: bytes) { break }
                    return .route(route, parameters)
                }
            }
            // Otherwise every route, in order, for HEAD's fallback to GET, 405's `Allow`, or 404.
            var allowed: [HTTPMethod] = []
            var firstMatch: Route?
            var headFallback: (Route, PathParameters)?
            for route in routes {
                guard let parameters = Router.match(route, rest, in: bytes),
                    !isShadowed(route, rest, in: bytes)
                else { continue }
                if route.method == request.method { return .route(route, parameters) }
                if request.method == .head, route.method == .get, headFallback == nil {
                    headFallback = (route, parameters)
                }
                if firstMatch == nil { firstMatch = route }
                allowed.append(route.method)
            }
            if let (route, parameters) = headFallback { return .route(route, parameters) }
            guard let firstMatch else { return .notFound }
            if request.method == .options { return .options(firstMatch: firstMatch, allowed: allowed) }
            return .methodNotAllowed(firstMatch: firstMatch, allowed: allowed)
        }
    }

    /// Whether a more specific route of another method matches the path too (then the path is not `route`'s).
    private func isShadowed(
        _ route: Route, _ path: ArraySlice<Range<Int>>, in bytes: UnsafeBufferPointer<UInt8>
    ) -> Bool {
        route.shadowedBy.contains { Router.match(routes[$0], path, in: bytes) != nil }
    }

    /// The JSON 404 of a path no route matches.
    public static var notFound: Response { HTTPError(.notFound, "Not found.").response }

    /// `Allow` for a path served by `methods`: each once, in order, then `HEAD` (where `GET` is) and `OPTIONS`.
    public static func allowHeader(_ methods: [HTTPMethod]) -> String {
        var names: [String] = []
        for name in methods.map(\.rawValue) where !names.contains(name) { names.append(name) }
        if names.contains("GET"), !names.contains("HEAD") { names.append("HEAD") }
        if !names.contains("OPTIONS") { names.append("OPTIONS") }
        return names.joined(separator: ", ")
    }

    /// The answer to `OPTIONS` on a path served by `methods`: 204 with its `Allow`.
    public static func optionsResponse(_ methods: [HTTPMethod]) -> Response {
        Response(status: .noContent, headers: ["Allow": allowHeader(methods)])
    }

    /// Whether some path matches both and `route` has a literal where `other` has a parameter, at the first
    /// segment where they differ in kind (patterns ending in `*name` take no part).
    static func isMoreSpecific(_ pattern: [Segment], than other: [Segment]) -> Bool {
        guard pattern.count == other.count else { return false }
        var moreSpecific: Bool?
        for (a, b) in zip(pattern, other) {
            switch (a, b) {
            case (.literal(let x), .literal(let y)): if x != y { return false }
            case (.literal, .parameter): if moreSpecific == nil { moreSpecific = true }
            case (.parameter, .literal): if moreSpecific == nil { moreSpecific = false }
            case (.parameter, .parameter): break
            case (.rest, _), (_, .rest): return false
            }
        }
        return moreSpecific == true
    }

    /// The non-empty `/`-separated segments of a pattern or prefix.
    static func split(_ path: String) -> [String] { path.split(separator: "/").map(String.init) }

    /// Where the non-empty `/`-separated segments of a path's UTF-8 are: matching compares bytes, and only
    /// parameter values become strings.
    static func segmentRanges(_ bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var segments: [Range<Int>] = []
        segments.reserveCapacity(8)
        var start = 0
        for index in 0...bytes.count where index == bytes.count || bytes[index] == UInt8(ascii: "/") {
            if start < index { segments.append(start..<index) }
            start = index + 1
        }
        return segments
    }

    /// The route's parameters when the path's segments match its pattern; literals are checked before any parameter
    /// is copied.
    static func match(
        _ route: Route, _ path: ArraySlice<Range<Int>>, in bytes: UnsafeBufferPointer<UInt8>
    ) -> PathParameters? {
        let pattern = route.segments
        var index = path.startIndex
        for segment in pattern {
            switch segment {
            case .literal(let literal):
                guard index < path.endIndex, bytes[path[index]].elementsEqual(literal) else { return nil }
            case .parameter:
                guard index < path.endIndex else { return nil }
            case .rest:
                guard index < path.endIndex else { return nil }
                index = path.endIndex
                continue
            }
            index += 1
        }
        guard index == path.endIndex else { return nil }
        guard !route.parameterNames.isEmpty else { return PathParameters() }
        func text(_ range: Range<Int>) -> String { PercentDecoding.decode(UnsafeBufferPointer(rebasing: bytes[range])) }
        var values: [String] = []
        values.reserveCapacity(route.parameterNames.count)
        index = path.startIndex
        for segment in pattern {
            switch segment {
            case .literal: break
            case .parameter: values.append(text(path[index]))
            case .rest:
                values.append(path[index...].map(text).joined(separator: "/"))
                return PathParameters(names: route.parameterNames, values: values)
            }
            index += 1
        }
        return PathParameters(names: route.parameterNames, values: values)
    }
}

/// Collects routes for a `Router`.
public struct RouteBuilder: RouteDeclaring {
    struct Spec {
        let method: HTTPMethod
        let segments: [Router.Segment]
        let handler: Handler
        let immediate: ImmediateRouteHandler?
        let admission: Admission?
    }

    var routes: [Spec] = []

    /// - Parameter immediate: answers at once when it can, before `handler` (see ``ImmediateHandler``).
    public mutating func on(
        _ method: HTTPMethod, _ pattern: String, _ handler: @escaping Handler, immediate: ImmediateRouteHandler? = nil
    ) {
        add(method, pattern, handler, immediate: immediate, admission: nil)
    }

    mutating func add(
        _ method: HTTPMethod, _ pattern: String, _ handler: @escaping Handler, immediate: ImmediateRouteHandler?,
        admission: Admission?
    ) {
        let segments = Router.split(pattern).map { part -> Router.Segment in
            if part.hasPrefix(":") { return .parameter(String(part.dropFirst())) }
            if part.hasPrefix("*") { return .rest(String(part.dropFirst())) }
            return .literal(Array(part.utf8))
        }
        routes.append(
            Spec(method: method, segments: segments, handler: handler, immediate: immediate, admission: admission))
    }

    /// Routes whose handlers first need something resolved from the request (an authenticated caller, say):
    /// `resolve` runs before each of them, and its value is their second argument. What it throws is the answer;
    /// it also runs before a 405 on these paths.
    public mutating func group<Context: Sendable>(
        _ resolve: @escaping @Sendable (Request) async throws -> Context, _ build: (inout RouteGroup<Context>) -> Void
    ) {
        var group = RouteGroup(resolve: resolve)
        build(&group)
        routes += group.builder.routes
    }

}

/// What a route group checks before its handlers run (and before a 405 on its paths).
typealias Admission = @Sendable (Request) async throws -> Void
