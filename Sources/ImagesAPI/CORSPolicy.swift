import HTTPServer

/// CORS for browsers calling the API from the origins of `CFIMAGES_CORS_ORIGINS`: a preflight (`OPTIONS` with
/// `Origin` and `Access-Control-Request-Method`) from such an origin is answered 204 before routing; every other
/// answer to it carries `Access-Control-Allow-Origin`. A listed origin is echoed with
/// `Access-Control-Allow-Credentials: true`; `*` allows any origin, never with credentials. With origins configured,
/// every answer says `Vary: Origin`. No setting, no CORS headers at all.
struct CORSPolicy: Sendable {
    let origins: Set<String>
    let anyOrigin: Bool

    static let allowedMethods = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"
    static let allowedHeaders = "Authorization, Content-Type, If-None-Match, X-Request-ID"
    static let exposedHeaders = "ETag, Retry-After, X-Request-ID"

    init(origins: [String]) {
        self.anyOrigin = origins.contains("*")
        self.origins = Set(origins.filter { $0 != "*" })
    }

    var isEnabled: Bool { anyOrigin || !origins.isEmpty }

    /// `handler` with CORS applied.
    func apply(to handler: @escaping Handler) -> Handler {
        guard isEnabled else { return handler }
        return { [self] request in
            let origin = request.headers["Origin"]
            let allowed = origin.flatMap(allowOrigin)
            if request.method == .options, let allowed, request.headers["Access-Control-Request-Method"] != nil {
                var response = Response(status: .noContent)
                add(allowed, to: &response)
                response.headers.add("Access-Control-Allow-Methods", Self.allowedMethods)
                response.headers.add("Access-Control-Allow-Headers", Self.allowedHeaders)
                response.headers.add("Access-Control-Max-Age", "600")
                return response
            }
            var response = try await handler(request)
            if let allowed {
                add(allowed, to: &response)
                response.headers.add("Access-Control-Expose-Headers", Self.exposedHeaders)
            } else {
                response.headers.add("Vary", "Origin")
            }
            return response
        }
    }

    /// Whether the immediate path may answer: not for a cross-origin request, whose answer needs these headers.
    func admitsImmediate(_ request: Request) -> Bool { !isEnabled || request.headers["Origin"] == nil }

    /// The `Access-Control-Allow-Origin` value for an origin, or nil when it is not allowed.
    func allowOrigin(_ origin: String) -> String? {
        if origins.contains(origin) { return origin }
        return anyOrigin ? "*" : nil
    }

    private func add(_ allowed: String, to response: inout Response) {
        response.headers.remove("Access-Control-Allow-Origin")
        response.headers.add("Access-Control-Allow-Origin", allowed)
        if allowed != "*" { response.headers.add("Access-Control-Allow-Credentials", "true") }
        response.headers.add("Vary", "Origin")
    }
}
