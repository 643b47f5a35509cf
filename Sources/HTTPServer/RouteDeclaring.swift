/// Where routes are declared (``RouteBuilder``, ``RouteGroup``): `get`, `post`, … are `on` with that method.
public protocol RouteDeclaring {
    associatedtype RouteHandler

    /// - Parameter immediate: answers at once when it can, before `handler` (see ``ImmediateHandler``); it makes its
    ///   own checks, without waiting.
    mutating func on(
        _ method: HTTPMethod, _ pattern: String, _ handler: RouteHandler, immediate: ImmediateRouteHandler?)
}

extension RouteDeclaring {
    public mutating func get(_ pattern: String, immediate: ImmediateRouteHandler? = nil, _ handler: RouteHandler) {
        on(.get, pattern, handler, immediate: immediate)
    }
    public mutating func post(_ pattern: String, _ handler: RouteHandler) {
        on(.post, pattern, handler, immediate: nil)
    }
    public mutating func put(_ pattern: String, _ handler: RouteHandler) { on(.put, pattern, handler, immediate: nil) }
    public mutating func patch(_ pattern: String, _ handler: RouteHandler) {
        on(.patch, pattern, handler, immediate: nil)
    }
    public mutating func delete(_ pattern: String, _ handler: RouteHandler) {
        on(.delete, pattern, handler, immediate: nil)
    }
}
