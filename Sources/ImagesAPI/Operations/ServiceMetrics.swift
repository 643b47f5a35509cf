import CloudflareImages
import HTTPServer
import ImageStore
import Metrics
import Synchronization

/// The service's Prometheus metrics: HTTP requests (by route pattern, method and status, with latency), in-flight
/// requests and open connections, Cloudflare calls (by endpoint and outcome, with latency, retries and budget
/// waits), webhook deliveries by outcome, images by status, and database errors.
///
/// Wire it once per process: ``requestObserver`` into `HTTPServer(observer:)`, ``cloudflareObserver`` into
/// `CloudflareClient(observer:)`, ``track(server:)`` for the connection gauges, and pass it to `ImagesAPI`.
/// The per-request cost is one dictionary lookup keyed by route pattern and method, a scan of that series' few
/// status codes, an atomic add and a histogram update (about 0.1 µs in release); nothing is formatted until a scrape.
public final class ServiceMetrics: Sendable {
    public let registry = MetricsRegistry()

    let requests: MetricFamily<RequestLabels, Counter>
    let requestDuration: MetricFamily<RouteLabels, Histogram>
    let inFlight: Gauge
    let openConnections: Gauge
    let cloudflareCalls: MetricFamily<CallLabels, Counter>
    let cloudflareDuration: MetricFamily<EndpointLabels, Histogram>
    let cloudflareRetries: MetricFamily<CallLabels, Counter>
    let cloudflareBudgetWaits: MetricFamily<EndpointLabels, Histogram>
    let webhooks: MetricFamily<WebhookDelivery, Counter>
    let images: MetricFamily<StatusLabels, Gauge>
    let databaseErrors: Counter
    /// Event deliveries to the host app.
    let events: EventMetrics
    private let servers = Mutex<[HTTPServer]>([])
    /// Per route and method: the latency histogram and the counters by status, found with one hash per request.
    private let requestSeries = Mutex<[RouteLabels: RequestSeries]>([:])

    final class RequestSeries: Sendable {
        let duration: Histogram
        let byStatus: Mutex<[(status: Int, counter: Counter)]>

        init(duration: Histogram) {
            self.duration = duration
            self.byStatus = Mutex([])
        }
    }

    /// Request latency buckets, seconds: 1 ms to 10 s.
    static let requestBuckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    /// Cloudflare call latency buckets, seconds: 50 ms to 60 s.
    static let cloudflareBuckets: [Double] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

    public init() {
        requests = registry.counterFamily(
            "cfimages_http_requests_total", help: "HTTP requests answered, by route pattern, method and status.",
            labels: RequestLabels.self)
        requestDuration = registry.histogramFamily(
            "cfimages_http_request_duration_seconds",
            help: "Time from a complete request to its queued response, by route pattern and method.",
            labels: RouteLabels.self, buckets: Self.requestBuckets)
        inFlight = registry.gauge("cfimages_http_requests_in_flight", help: "Requests whose handler is running.")
        openConnections = registry.gauge("cfimages_http_open_connections", help: "Open client connections.")
        cloudflareCalls = registry.counterFamily(
            "cfimages_cloudflare_calls_total", help: "Cloudflare API calls, by endpoint and final outcome.",
            labels: CallLabels.self)
        cloudflareDuration = registry.histogramFamily(
            "cfimages_cloudflare_call_duration_seconds",
            help: "Cloudflare API call latency (budget waits, attempts and backoff included), by endpoint.",
            labels: EndpointLabels.self, buckets: Self.cloudflareBuckets)
        cloudflareRetries = registry.counterFamily(
            "cfimages_cloudflare_retries_total",
            help: "Cloudflare API attempts retried, by endpoint and failed outcome.",
            labels: CallLabels.self)
        cloudflareBudgetWaits = registry.histogramFamily(
            "cfimages_cloudflare_budget_wait_seconds",
            help: "Waits for the client-side Cloudflare request budget, by endpoint.",
            labels: EndpointLabels.self, buckets: Self.cloudflareBuckets)
        webhooks = registry.counterFamily(
            "cfimages_webhook_deliveries_total", help: "Webhook deliveries received, by outcome.",
            labels: WebhookDelivery.self)
        images = registry.gaugeFamily(
            "cfimages_images", help: "Tracked images by status (from the counter table, read at scrape time).",
            labels: StatusLabels.self)
        databaseErrors = registry.counter(
            "cfimages_database_errors_total", help: "Database failures surfacing from repository calls.")
        events = EventMetrics(registry: registry)
        for outcome in WebhookDelivery.allCases { _ = webhooks.labels(outcome) }
        for status in ImageStatus.allCases { _ = images.labels(StatusLabels(status: status)) }
    }

    // MARK: Recording

    /// For `HTTPServer(observer:)`.
    public var requestObserver: RequestObserver {
        { [self] event in record(event) }
    }

    func record(_ event: CompletedRequest) {
        let key = RouteLabels(route: event.routePattern ?? "unmatched", method: Self.methodLabel(event.method))
        let series = requestSeries.withLock { cache in
            if let found = cache[key] { return found }
            let created = RequestSeries(duration: requestDuration.labels(key))
            cache[key] = created
            return created
        }
        let status = event.status
        let counter = series.byStatus.withLock { counters in
            if let found = counters.first(where: { $0.status == status }) { return found.counter }
            let created = requests.labels(RequestLabels(route: key.route, method: key.method, status: status))
            counters.append((status, created))
            return created
        }
        counter.increment()
        series.duration.observe(Double(event.durationNanoseconds) / 1e9)
    }

    /// For `CloudflareClient(observer:)`.
    public var cloudflareObserver: @Sendable (CallEvent) -> Void {
        { [cloudflareCalls, cloudflareDuration, cloudflareRetries, cloudflareBudgetWaits] event in
            switch event {
            case .completed(let endpoint, let outcome, _, let duration):
                cloudflareCalls.increment(CallLabels(endpoint: endpoint, outcome: outcome))
                cloudflareDuration.observe(EndpointLabels(endpoint: endpoint), duration)
            case .retrying(let endpoint, _, let outcome, _):
                cloudflareRetries.increment(CallLabels(endpoint: endpoint, outcome: outcome))
            case .budgetWait(let endpoint, let delay):
                cloudflareBudgetWaits.observe(EndpointLabels(endpoint: endpoint), delay)
            }
        }
    }

    /// Reports `server`'s open connections and in-flight requests (summed over tracked servers) at each scrape.
    public func track(server: HTTPServer) {
        servers.withLock { $0.append(server) }
    }

    func webhook(_ outcome: WebhookDelivery) {
        webhooks.increment(outcome)
    }

    /// Counts `error` when it is a database error; returns whether it was.
    @discardableResult
    func recordIfDatabaseError(_ error: any Error) -> Bool {
        guard (error as? ImageStoreError)?.underlyingDatabaseFailure != nil else { return false }
        databaseErrors.increment()
        return true
    }

    // MARK: Scraping

    /// Refreshes the scrape-time gauges (server stats; image counts from `repository`, no table scan) and renders.
    func scrape(repository: any ImageRepository) async -> String {
        let stats = servers.withLock { $0.map(\.stats) }
        inFlight.set(stats.reduce(0) { $0 + $1.inFlightRequests })
        openConnections.set(stats.reduce(0) { $0 + $1.openConnections })
        do {
            let counts = try await repository.counts(owner: nil)
            for status in ImageStatus.allCases { images.set(StatusLabels(status: status), counts.count(status)) }
        } catch {
            // The gauges keep their last values; the failure shows in the error counter.
            recordIfDatabaseError(error)
        }
        return registry.render()
    }

    /// Client-chosen method tokens would make the label set unbounded: anything uncommon is `other`.
    static func methodLabel(_ method: HTTPMethod) -> String {
        switch method.rawValue {
        case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS": method.rawValue
        default: "other"
        }
    }
}
