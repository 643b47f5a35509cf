import CloudflareImages
import Configuration
import Foundation
import HTTPServer
import ImageStore
import JSON
import Logging

/// The REST API of django-cloudflareimages-toolkit 1.1.6 over our repository and Cloudflare client.
///
/// ```swift
/// let api = ImagesAPI(settings: settings, repository: repository, cloudflare: client, logger: logger)
/// let server = HTTPServer(configuration: .init(port: settings.port), logger: logger, handler: api.handler)
/// let sweeper = api.makeSweeper()
/// try server.start(); await sweeper.start()
/// ```
///
/// Routes live under `settings.pathPrefix` (default `/cloudflare-images`), trailing slash optional; `/healthz` is
/// outside it. Differences from the reference are deliberate and listed in the endpoint files: invalid filter
/// values answer 400, Cloudflare failures 400/502/503/504, auth failures 401 with `WWW-Authenticate: Token`, and
/// `POST api/images/` (a guaranteed 500 in the reference) answers 405 with `Allow: GET, HEAD`.
public final class ImagesAPI: Sendable {
    let context: APIContext
    private let router: Router

    /// - Parameters:
    ///   - now: the clock for timestamps, expiry and webhook freshness (injectable for tests).
    ///   - tokenCacheTTL: how long a successful token lookup is reused without the database. A revoked token keeps
    ///     working for at most this long. Zero disables the cache.
    ///   - maxBodyBytes: the largest JSON/form body read; larger answers 413.
    ///   - metrics: where requests, Cloudflare calls, webhooks and database errors are counted (`GET /metrics`).
    ///   - readiness: the checks of `GET /readyz`; by default the database and a Cloudflare probe (no migrations).
    public init(
        settings: Settings,
        repository: any ImageRepository,
        cloudflare: CloudflareClient,
        logger: Logger,
        now: @escaping @Sendable () -> Date = Date.init,
        tokenCacheTTL: Duration = .seconds(5),
        maxBodyBytes: Int = 1 << 20,
        metrics: ServiceMetrics = ServiceMetrics(),
        readiness: ReadinessCheck? = nil
    ) {
        let context = APIContext(
            settings: settings, repository: repository, cloudflare: cloudflare, logger: logger, now: now,
            tokenCacheTTL: tokenCacheTTL, bodyLimit: maxBodyBytes,
            metrics: metrics, readiness: readiness
        )
        self.context = context
        self.router = Self.makeRouter(context)
    }

    /// The expiry sweep the API and the CLI share.
    public var cleanup: CleanupService { context.cleanup }

    /// A sweeper running ``cleanup`` every `CFIMAGES_CLEANUP_INTERVAL_SECONDS` (0: never). Call `start()`/`stop()`.
    public func makeSweeper() -> CleanupSweeper {
        CleanupSweeper(
            service: context.cleanup, interval: .seconds(context.settings.cleanupIntervalSeconds), logger: context.logger)
    }

    /// The metrics this API counts into and `GET /metrics` renders.
    public var metrics: ServiceMetrics { context.metrics }

    /// For a separate metrics listener (`CFIMAGES_METRICS_ADDRESS`): `GET /metrics` without auth, 404 otherwise.
    public var metricsHandler: Handler { context.metricsOnlyHandler }

    /// Drops cached token lookups (call after revoking a token in this process to make it effective at once).
    public func invalidateTokenCache() { context.authenticator.cache.removeAll() }

    /// How many list responses are cached (for diagnostics and tests).
    public var cachedListPages: Int { context.listPages.count }

    /// The API's routes under the configured prefix (no `/healthz`, no 405 auth ordering; see ``handler``).
    public func makeRouter() -> Router { Self.makeRouter(context) }

    /// The server's handler: `/healthz`, `/readyz`, `/metrics` (admin only), then the API routes. As DRF checks credentials before the method, a 405
    /// for an unauthenticated caller becomes the 401. Unexpected errors answer a JSON 500 and are logged.
    public var handler: Handler {
        CORSPolicy(origins: context.settings.corsOrigins).apply(to: uncorsHandler)
    }

    /// ``handler`` before CORS.
    private var uncorsHandler: Handler {
        { [router, context] request in
            do {
                if let response = try await context.operations(request) { return response }
                let response = try await router.respond(to: request)
                if response.status == .methodNotAllowed {
                    if request.rawPath.contains("/api/webhook") {
                        _ = try await context.authenticator.authenticateIfPresent(request)
                    } else {
                        _ = try await context.authenticator.authenticate(request)
                    }
                }
                return response
            } catch let error as any HTTPResponseError {
                return error.response
            } catch {
                context.metrics.recordIfDatabaseError(error)
                context.logger.error("Unhandled error", metadata: ["path": "\(request.rawPath)", "error": "\(error)"])
                return ErrorResponse.detail(.internalServerError, "Internal server error.").response
            }
        }
    }

    /// Tried by the server before ``handler``, on its event loop: answers the hot lookups it can serve without
    /// waiting, exactly as ``handler`` would, and declines (nil) everything else.
    public var immediateHandler: ImmediateHandler {
        let cors = CORSPolicy(origins: context.settings.corsOrigins)
        return { [router] request in
            APIContext.operationsRoute(request.rawPath) == nil && cors.admitsImmediate(request)
                ? router.respondImmediately(to: &request) : nil
        }
    }

    static func makeRouter(_ c: APIContext) -> Router {
        Router(prefix: c.settings.pathPrefix) { routes in
            routes.get("api", c.authenticated { request, _ in c.apiRoot(request) })
            routes.get("api/images", c.cached(c.authenticated(c.listImages)))
            routes.post("api/images/bulk_delete", c.authenticated(c.bulkDelete))
            routes.post("api/images/bulk_status_check", c.authenticated(c.bulkStatusCheck))
            routes.get("api/images/by-cloudflare-id/*cloudflare_id", c.cached(c.authenticated(c.imageByCloudflareID)))
            routes.get("api/images/orphans", c.cached(c.authenticated(c.listOrphans)))
            routes.post("api/images/register", c.authenticated(c.registerUploaded))
            routes.get(
                "api/images/:id", c.cached(c.authenticated(c.retrieveImage)), immediate: c.cached(c.retrieveImageImmediately))
            routes.put("api/images/:id", c.authenticated(c.updateImage))
            routes.patch("api/images/:id", c.authenticated(c.updateImage))
            routes.delete("api/images/:id", c.authenticated(c.deleteImage))
            routes.get("api/images/:id/logs", c.authenticated(c.imageLogs))
            routes.get("api/images/:id/usages", c.cached(c.authenticated(c.imageUsages)))
            routes.get("api/usages", c.cached(c.authenticated(c.listUsages)))
            routes.post("api/usages", c.authenticated(c.createUsage))
            routes.put("api/usages/object", c.authenticated(c.replaceObjectUsages))
            routes.post("api/usages/reconcile", c.authenticated(c.reconcileUsages))
            routes.get("api/usages/:usage", c.cached(c.authenticated(c.retrieveUsage)))
            routes.delete("api/usages/:usage", c.authenticated(c.deleteUsage))
            routes.post("api/images/:id/check_status", c.authenticated(c.checkStatus))
            routes.delete("api/images/:id/delete_from_cloudflare", c.authenticated(c.deleteImage))
            routes.post("api/upload-url", c.authenticated(c.createUploadURL))
            routes.post("api/webhook", c.webhook)
            routes.get("api/stats", c.cached(c.authenticated(c.stats)))
            routes.post("api/cleanup-expired", c.admin(c.cleanupExpired))
            let delivery = DeliveryEndpoints(c)
            routes.get("api/images/:id/url", c.authenticated(delivery.url))
            routes.get("api/images/:id/srcset", c.authenticated(delivery.srcset))
            routes.get("api/openapi.yaml", { request in
                ConditionalGet.apply(OpenAPIDocument.response, to: request, cacheControl: ConditionalGet.publicDocument)
            })
        }
    }
}

extension APIContext {
    /// `GET api/`: the router root, `{"images": "<absolute url>"}`.
    func apiRoot(_ request: Request) -> Response {
        let host = request.headers["Host"] ?? "localhost"
        var writer = JSONWriter(capacity: 128)
        writer.beginObject()
        writer.key("images")
        writer.string("http://\(host)\(settings.pathPrefix)/api/images/")
        writer.key("usages")
        writer.string("http://\(host)\(settings.pathPrefix)/api/usages/")
        writer.endObject()
        return json(writer.bytes)
    }
}
