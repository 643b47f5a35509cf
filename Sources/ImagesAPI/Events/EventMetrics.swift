import Metrics

/// The delivery worker's metrics: deliveries by outcome, their latency, the backlog and the disabled endpoints.
final class EventMetrics: Sendable {
    /// How an attempt ended (the `outcome` label).
    enum Outcome: String, MetricLabels, CaseIterable {
        case delivered
        /// A non-2xx answer, no answer or a timeout; tried again later.
        case failed
        /// The last try of the retry window failed.
        case gaveUp = "gave_up"

        static let labelNames = ["outcome"]
        var labelValues: [String] { [rawValue] }
    }

    struct EndpointLabel: MetricLabels {
        static let labelNames = ["endpoint"]
        var endpoint: String
        var labelValues: [String] { [endpoint] }
    }

    /// Seconds: 5 ms to 10 s (the attempt timeout).
    static let buckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    let deliveries: MetricFamily<Outcome, Counter>
    let duration: Histogram
    /// From the change to the successful delivery.
    let latency: Histogram
    let backlog: MetricFamily<EndpointLabel, Gauge>
    let disabledEndpoints: Gauge

    init(registry: MetricsRegistry) {
        deliveries = registry.counterFamily(
            "cfimages_event_deliveries_total", help: "Event delivery attempts, by outcome.", labels: Outcome.self)
        duration = registry.histogram(
            "cfimages_event_delivery_attempt_seconds", help: "Duration of one delivery attempt.", buckets: Self.buckets)
        latency = registry.histogram(
            "cfimages_event_delivery_latency_seconds",
            help: "Time from the change an event reports to its successful delivery.",
            buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 60, 300, 3_600, 86_400])
        backlog = registry.gaugeFamily(
            "cfimages_event_backlog", help: "Pending event deliveries per endpoint.", labels: EndpointLabel.self)
        disabledEndpoints = registry.gauge(
            "cfimages_event_endpoints_disabled", help: "Event endpoints disabled (by the worker or an administrator).")
        for outcome in Outcome.allCases { _ = deliveries.labels(outcome) }
    }
}
