import HTTPFields
import HTTPServer
import ImageStore
import JSON
import Logging
import Metrics

/// `GET /healthz`, `GET /readyz` and `GET /metrics`: outside the API prefix, trailing slash optional.
///
/// Each answers `GET` and `HEAD`, `OPTIONS` with 204 and `Allow` (no auth), any other method with 405.
///
/// - `/healthz`: 200 `{"status":"ok","version":"…"}` while the process serves (no auth).
/// - `/readyz`: 200 `{"status":"ok","checks":{...}}` when ``ReadinessCheck`` passes, else 503 with
///   `"status":"unavailable"` and each check's reason. No auth: it reveals nothing secret.
/// - `/metrics`: Prometheus text format. On the API port it needs an admin token (401 without one, 403 for a
///   non-admin); the separate metrics listener (``ImagesAPI/metricsHandler``) serves it without auth.
extension APIContext {
    static let healthzRoute = "/healthz"
    static let readyzRoute = "/readyz"
    static let metricsRoute = "/metrics"

    /// Claims the operations paths (checked without allocating), ahead of the API's routes; errors no response
    /// stands for go to `reporter`.
    func operationsMount(reporting reporter: @escaping Responder.ErrorReporter) -> Responder.Mount {
        Responder.Mount(
            claiming: { Self.operationsRoute($0) != nil },
            Responder(unhandledError: reporter) { [self] request in
                let route = Self.operationsRoute(request.rawPath) ?? Self.healthzRoute
                return try await Router.labelling(route) {
                    switch route {
                    case _ where request.method == .options: return Router.optionsResponse([.get])
                    case Self.healthzRoute:
                        try Self.requireGet(request)
                        return Response.json(.ok, bytes: Self.healthzBody)
                    case Self.readyzRoute: return try await readyz(request)
                    default: return try await metricsResponse(request, requireAdmin: true)
                    }
                }
            })
    }

    /// `{"status":"ok","version":"…"}`, built once.
    static let healthzBody: [UInt8] = {
        var writer = JSONWriter(capacity: 64)
        writer.beginObject()
        writer.key("status")
        writer.string("ok")
        writer.key("version")
        writer.string(OpenAPIDocument.version)
        writer.endObject()
        return writer.bytes
    }()

    static func operationsRoute(_ path: String) -> String? {
        guard path.utf8.count <= 9 else { return nil }
        switch path {
        case "/healthz", "/healthz/": return healthzRoute
        case "/readyz", "/readyz/": return readyzRoute
        case "/metrics", "/metrics/": return metricsRoute
        default: return nil
        }
    }

    func readyz(_ request: Request) async throws -> Response {
        try Self.requireGet(request)
        let report = await readiness.run()
        var writer = JSONWriter(capacity: 160)
        writer.beginObject()
        writer.key("status")
        writer.string(report.isReady ? "ok" : "unavailable")
        writer.key("checks")
        writer.beginObject()
        for check in report.checks {
            writer.key(check.name)
            writer.string(check.result.description)
        }
        writer.endObject()
        if let eventStore, let endpoints = try? await eventStore.eventEndpoints(),
            let backlog = try? await eventStore.deliveryBacklog()
        {
            writer.key("events")
            writer.beginObject()
            writer.key("disabled_endpoints")
            writer.beginArray()
            for endpoint in endpoints where !endpoint.enabled && endpoint.disabledReason != nil {
                writer.string(endpoint.id)
            }
            writer.endArray()
            writer.key("backlog")
            writer.int(backlog.values.reduce(0, +))
            writer.endObject()
        }
        writer.endObject()
        if !report.isReady {
            let failed = report.checks.filter { $0.result != .ok }.map { "\($0.name): \($0.result)" }
            logger.warning("Not ready", metadata: ["checks": "\(failed.joined(separator: "; "))"])
        }
        return Response(
            status: report.isReady ? .ok : .serviceUnavailable,
            headers: ["Content-Type": "application/json", "Cache-Control": "no-store"], body: writer.bytes)
    }

    /// The scrape: gauges refreshed, then every family rendered.
    func metricsResponse(_ request: Request, requireAdmin: Bool) async throws -> Response {
        if requireAdmin {
            let caller = try await authenticator.authenticate(request)
            guard caller.isAdmin else { throw ErrorResponse.permissionDenied }
        }
        try Self.requireGet(request)
        let text = await metrics.scrape(repository: repository)
        return Response(
            status: .ok, headers: ["Content-Type": MetricsRegistry.contentType, "Cache-Control": "no-store"],
            body: Array(text.utf8))
    }

    static func requireGet(_ request: Request) throws(ErrorResponse) {
        guard request.method == .get || request.method == .head else {
            throw ErrorResponse.detail(
                .methodNotAllowed, "Method \"\(request.method.rawValue)\" not allowed.",
                headers: ["Allow": Router.allowHeader([.get])])
        }
    }

    /// The separate metrics listener: `/metrics` without auth, 404 for anything else.
    var metricsOnlyResponder: Responder {
        Responder { [self] request in
            guard Self.operationsRoute(request.rawPath) == Self.metricsRoute else { return Router.notFound }
            return try await Router.labelling(Self.metricsRoute) {
                try await metricsResponse(request, requireAdmin: false)
            }
        }
    }
}
