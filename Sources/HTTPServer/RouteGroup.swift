/// Routes that share a step resolving a value from the request before their handler (``RouteBuilder/group(_:_:)``).
public struct RouteGroup<Context: Sendable>: RouteDeclaring {
    /// A handler of the group: the request and what the group resolved from it.
    public typealias GroupHandler = @Sendable (Request, Context) async throws -> Response

    let resolve: @Sendable (Request) async throws -> Context
    var builder = RouteBuilder()

    public mutating func on(
        _ method: HTTPMethod, _ pattern: String, _ handler: @escaping GroupHandler,
        immediate: ImmediateRouteHandler? = nil
    ) {
        let resolve = self.resolve
        builder.add(
            method, pattern, { request in try await handler(request, try await resolve(request)) },
            immediate: immediate, admission: { request in _ = try await resolve(request) })
    }

}
