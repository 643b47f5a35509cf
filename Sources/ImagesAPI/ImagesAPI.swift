import CloudflareImages
import Configuration
import Foundation
import HTTPClient
import HTTPFields
import HTTPServer
import ImageStore
import JSON
import Logging

/// The REST API of django-cloudflareimages-toolkit 1.1.6 over our repository and Cloudflare client.
///
/// ```swift
/// let api = ImagesAPI(settings: settings, repository: repository, cloudflare: client, logger: logger)
/// let server = HTTPServer(configuration: .init(port: settings.port), logger: logger, responder: api.responder())
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
    /// The operations paths and the API routes, as ``responder(mounting:)`` serves them.
    let service: Responder

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
        self.service = Self.makeService(context, router)
    }

    /// The expiry sweep the API and the CLI share.
    public var cleanup: CleanupService { context.cleanup }

    /// A sweeper running ``cleanup`` every `CFIMAGES_CLEANUP_INTERVAL_SECONDS` (0: never). Call `start()`/`stop()`.
    public func makeSweeper() -> CleanupSweeper {
        CleanupSweeper(
            service: context.cleanup, interval: .seconds(context.settings.cleanupIntervalSeconds),
            logger: context.logger)
    }

    /// The worker delivering events to the endpoints of `api/event-endpoints/` over `httpClient`; nil when the
    /// repository keeps no events. Call `start()`/`stop()`. `now` must be the repository's clock (deliveries are
    /// due by it), which need not be the API's.
    public func makeEventWorker(
        httpClient: HTTPClient, policy: EventDeliveryWorker.Policy = EventDeliveryWorker.Policy(),
        now: @escaping @Sendable () -> Date = Date.init
    ) -> EventDeliveryWorker? {
        guard let store = context.eventStore else { return nil }
        var policy = policy
        policy.retention = .seconds(Int64(context.settings.eventsRetentionDays) * 86_400)
        return EventDeliveryWorker(
            store: store, http: httpClient, serializer: context.serializer, metrics: context.metrics.events,
            logger: context.logger, clock: now, policy: policy,
            feed: (context.repository as? any ImageChangeNotifying)?.changeFeed)
    }

    /// The metrics this API counts into and `GET /metrics` renders.
    public var metrics: ServiceMetrics { context.metrics }

    /// For a separate metrics listener (`CFIMAGES_METRICS_ADDRESS`): `GET /metrics` without auth, 404 otherwise.
    public var metricsResponder: Responder { context.metricsOnlyResponder }

    /// Drops cached token lookups (call after revoking a token in this process to make it effective at once).
    public func invalidateTokenCache() { context.authenticator.cache.removeAll() }

    /// How many `GET api/images/{id}/?wait=` requests are being held (for diagnostics and tests).
    public var waitingRequests: Int { context.waiters.count }

    /// How many list responses are cached (for diagnostics and tests).
    public var cachedListPages: Int { context.listPages.count }

    /// The API's routes under the configured prefix, without the operations paths (for documentation checks).
    public func makeRouter() -> Router { Self.makeRouter(context) }

    /// The service as the server takes it: `/healthz`, `/readyz`, `/metrics` (admin only), then the API routes (with
    /// CORS for `CFIMAGES_CORS_ORIGINS`), with `mounts` (the emulator, the console, …) claiming their paths first.
    /// The API's immediate routes answer on the event loop; a database error no response stands for is counted in
    /// the metrics, and a busy or unreachable database answers 503 with `Retry-After`.
    public func responder(mounting mounts: [Responder.Mount] = []) -> Responder {
        Responder.mounting(mounts, otherwise: service)
    }

    /// The operations paths and the API, with CORS: what ``responder(mounting:)`` mounts the others over.
    static func makeService(_ context: APIContext, _ router: Router) -> Responder {
        let routes = router.responder
        let countDatabaseErrors: Responder.ErrorReporter = { [metrics = context.metrics] error in
            metrics.recordIfDatabaseError(error)
            return APIContext.storeUnavailable(error)?.response
        }
        let api = Responder(immediate: routes.immediate, unhandledError: countDatabaseErrors, handler: routes.handler)
        let service = Responder.mounting([context.operationsMount(reporting: countDatabaseErrors)], otherwise: api)
        return CORSPolicy(origins: context.settings.corsOrigins).apply(to: service)
    }

    /// Routes as DRF's views answer: authentication before the method check (a 405 for an unauthenticated caller
    /// is the 401), then the view.
    static func makeRouter(_ c: APIContext) -> Router {
        Router(prefix: c.settings.pathPrefix) { routes in
            routes.group(c.authenticator.authenticate) { routes in
                routes.get("api", { request, _ in c.apiRoot(request) })
                routes.get("api/images", c.cached(c.listImages))
                routes.post("api/images/bulk_delete", c.bulkDelete)
                routes.post("api/images/bulk_status_check", c.bulkStatusCheck)
                routes.get("api/images/by-cloudflare-id/*cloudflare_id", c.cached(c.imageByCloudflareID))
                routes.get("api/images/orphans", c.cached(c.listOrphans))
                routes.post("api/images/register", c.registerUploaded)
                routes.get("api/images/:id", immediate: c.cached(c.retrieveImageImmediately), c.cached(c.retrieveImage))
                routes.put("api/images/:id", c.updateImage)
                routes.patch("api/images/:id", c.updateImage)
                routes.delete("api/images/:id", c.deleteImage)
                routes.get("api/images/:id/logs", c.imageLogs)
                routes.get("api/images/:id/usages", c.cached(c.imageUsages))
                routes.get("api/usages", c.cached(c.listUsages))
                routes.post("api/usages", c.createUsage)
                routes.put("api/usages/object", c.replaceObjectUsages)
                routes.post("api/usages/reconcile", c.reconcileUsages)
                routes.get("api/usages/:usage", c.cached(c.retrieveUsage))
                routes.delete("api/usages/:usage", c.deleteUsage)
                routes.post("api/images/:id/check_status", c.checkStatus)
                routes.delete("api/images/:id/delete_from_cloudflare", c.deleteImage)
                routes.post("api/upload-url", c.createUploadURL)
                routes.get("api/stats", c.cached(c.stats))
                let delivery = DeliveryEndpoints(c)
                routes.get("api/images/:id/url", delivery.url)
                routes.get("api/images/:id/srcset", delivery.srcset)
            }
            routes.group(c.administrator) { routes in
                routes.post("api/cleanup-expired", c.cleanupExpired)
                routes.get("api/event-endpoints", c.listEventEndpoints)
                routes.post("api/event-endpoints", c.createEventEndpoint)
                routes.get("api/event-endpoints/:endpoint", c.retrieveEventEndpoint)
                routes.patch("api/event-endpoints/:endpoint", c.updateEventEndpoint)
                routes.delete("api/event-endpoints/:endpoint", c.deleteEventEndpoint)
                routes.post("api/event-endpoints/:endpoint/rotate-secret", c.rotateEventEndpointSecret)
                routes.get("api/events", c.listEvents)
                routes.post("api/events/:event/redeliver", c.redeliverEvent)
            }
            // Anyone may deliver a webhook (its secret is checked); a 405 still refuses bad credentials first.
            routes.group(c.authenticator.authenticateIfPresent) { routes in
                routes.post("api/webhook", { request, _ in try await c.webhook(request) })
            }
            routes.get(
                "api/openapi.yaml",
                { request in
                    ConditionalGet.apply(
                        OpenAPIDocument.response, to: request, cacheControl: ConditionalGet.publicDocument)
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
