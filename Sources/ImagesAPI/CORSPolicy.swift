import HTTPFields
import HTTPServer

/// CORS for browsers calling the API from the origins of `CFIMAGES_CORS_ORIGINS`: a preflight (`OPTIONS` with
/// `Origin` and `Access-Control-Request-Method`) from such an origin gets the path's 204 with the methods it may use;
/// every other answer to it carries `Access-Control-Allow-Origin`. A listed origin is echoed with
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

    /// `responder` with CORS applied, as a finisher (so errors and immediate answers carry the headers too): a
    /// preflight is the router's own `OPTIONS` answer (204 with the path's `Allow`) with the CORS grant added.
    func apply(to responder: Responder) -> Responder {
        guard isEnabled else { return responder }
        let inner = responder.finisher
        return Responder(
            immediate: responder.immediate, unhandledError: responder.unhandledError,
            finisher: { [self] request, response in
                inner?(request, &response)
                finish(request, &response)
            },
            handler: responder.handler)
    }

    /// The origin's headers on an answer: the allowed origin (and credentials, for a listed one), and for a
    /// preflight the methods (the path's `Allow`) and headers it may use; otherwise `Vary: Origin`.
    private func finish(_ request: Request, _ response: inout Response) {
        guard let allowed = request.headers["Origin"].flatMap(allowOrigin) else {
            response.headers.add("Vary", "Origin")
            return
        }
        add(allowed, to: &response)
        if request.method == .options, request.headers["Access-Control-Request-Method"] != nil,
            response.status == .noContent
        {
            response.headers.add("Access-Control-Allow-Methods", response.headers["Allow"] ?? Self.allowedMethods)
            response.headers.add("Access-Control-Allow-Headers", Self.allowedHeaders)
            response.headers.add("Access-Control-Max-Age", "600")
        } else {
            response.headers.add("Access-Control-Expose-Headers", Self.exposedHeaders)
        }
    }

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
