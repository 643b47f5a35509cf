import CloudflareImages
import Configuration
import Foundation
import HTTPServer
import ImageStore
import JSON
import Logging

/// Everything the endpoints share. Endpoints are extensions of this type, one file per group.
final class APIContext: Sendable {
    let settings: Settings
    let repository: any ImageRepository
    /// The repository's reads that never wait, when it offers them (the event loop's path for `GET api/images/{id}`).
    let immediateImages: (any ImmediateImageReading)?
    let cloudflare: CloudflareClient
    let logger: Logger
    let clock: @Sendable () -> Date
    let authenticator: Authenticator
    let serializer: ImageSerializer
    let defaultMetadata: [String: JSONValue]
    let cleanup: CleanupService
    let reconciler: ImageReconciler
    let allowance: CloudflareAllowance
    let bodyLimit: Int
    let metrics: ServiceMetrics
    let readiness: ReadinessCheck
    let listPages: ListPageCache
    let uploadPolicy: UploadPolicy
    /// Requests of `GET api/images/{id}/?wait=` held until their image changes.
    let waiters: ImageWaiters
    /// Event endpoints and the outbox, when the repository's backend keeps them.
    let eventStore: (any EventStore)?

    init(
        settings: Settings, repository: any ImageRepository, cloudflare: CloudflareClient, logger: Logger,
        now: @escaping @Sendable () -> Date, tokenCacheTTL: Duration, bodyLimit: Int,
        metrics: ServiceMetrics = ServiceMetrics(), readiness: ReadinessCheck? = nil
    ) {
        self.settings = settings
        self.repository = repository
        self.immediateImages = repository as? any ImmediateImageReading
        self.cloudflare = cloudflare
        self.logger = logger
        self.clock = now
        self.authenticator = Authenticator(repository: repository, cacheTTL: tokenCacheTTL)
        self.serializer = ImageSerializer(links: DeliveryLinks(settings: settings))
        self.defaultMetadata = (try? JSONValue.parse(Array(settings.defaultMetadataJSON.utf8)))?.objectValue ?? [:]
        self.cleanup = CleanupService(
            repository: repository, cloudflare: cloudflare, logger: logger, now: now,
            webhookRetention: TimeInterval(settings.webhookRetentionHours) * 3_600)
        self.reconciler = cleanup.reconciler
        self.allowance = CloudflareAllowance(
            account: cloudflare.budget, perUser: settings.cloudflareCallsPerUser,
            reserve: settings.cloudflareReservedCalls)
        self.bodyLimit = bodyLimit
        self.metrics = metrics
        self.readiness = readiness ?? ReadinessCheck(repository: repository, migrator: nil, cloudflare: cloudflare)
        self.listPages = ListPageCache(maxBytes: settings.listCacheMB << 20)
        self.uploadPolicy = UploadPolicy(settings: settings)
        self.waiters = ImageWaiters(repository: repository)
        self.eventStore = repository as? any EventStore
    }

    // MARK: Shared steps

    /// `handler`'s 200 answers with an `ETag` and `Cache-Control: private, no-cache`, and a 304 for a request that
    /// already holds that version (``ConditionalGet``).
    func cached<Context: Sendable>(
        _ handler: @escaping RouteGroup<Context>.GroupHandler
    ) -> RouteGroup<Context>.GroupHandler {
        { request, caller in
            try await handler(request, caller).map {
                ConditionalGet.apply($0, to: request, cacheControl: ConditionalGet.perUser)
            }
        }
    }

    /// The immediate path of a ``cached(_:)-…`` route: the same validators, on the event loop.
    func cached(_ immediate: @escaping ImmediateRouteHandler) -> ImmediateRouteHandler {
        { request in
            immediate(request).map { ConditionalGet.apply($0, to: request, cacheControl: ConditionalGet.perUser) }
        }
    }

    /// The authenticated caller when an administrator; others get 403 (anonymous callers 401).
    func administrator(_ request: Request) async throws -> Caller {
        let caller = try await authenticator.authenticate(request)
        guard caller.isAdmin else { throw ErrorResponse.permissionDenied }
        return caller
    }

    func json(_ bytes: [UInt8], status: HTTPStatus = .ok) -> Response {
        Response.json(status, bytes: bytes)
    }

    func body(_ request: Request) throws(ErrorResponse) -> [String: JSONValue] {
        try RequestBody.object(request, limit: bodyLimit)
    }
}
