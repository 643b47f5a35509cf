import Testing

@testable import Metrics

struct RouteLabels: MetricLabels {
    static let labelNames = ["route", "status"]
    var route: String
    var status: Int
    var labelValues: [String] { [route, String(status)] }
}

enum Outcome: String, MetricLabels, CaseIterable {
    case ok, failed
    static let labelNames = ["outcome"]
    var labelValues: [String] { [rawValue] }
}

@Suite struct MetricsRegistryTests {
    @Test func everyFamilyHasHelpAndTypeAndParsesBack() throws {
        let registry = MetricsRegistry()
        let total = registry.counter("app_events_total", help: "Events seen.")
        let temperature = registry.gauge("app_temperature", help: "Current temperature.")
        let requests = registry.counterFamily("app_requests_total", help: "Requests.", labels: RouteLabels.self)
        let outcomes = registry.counterFamily("app_outcomes_total", help: "Outcomes.", labels: Outcome.self)
        let latency = registry.histogram("app_latency_seconds", help: "Latency.", buckets: [0.1, 1, 0.5])
        total.increment()
        total.increment(by: 4)
        temperature.set(21.5)
        temperature.add(-1)
        requests.increment(RouteLabels(route: "/items/{id}/", status: 200))
        requests.increment(RouteLabels(route: "/items/{id}/", status: 200))
        requests.increment(RouteLabels(route: "unmatched", status: 404))
        for outcome in Outcome.allCases { _ = outcomes.labels(outcome) }
        for value in [0.05, 0.1, 0.3, 0.7, 3.0] { latency.observe(value) }

        let text = registry.render()
        let families = try ExpositionParser.parse(text)
        #expect(
            families.map(\.name) == [
                "app_events_total", "app_temperature", "app_requests_total", "app_outcomes_total",
                "app_latency_seconds",
            ])
        for family in families {
            #expect(family.help != nil && family.type != nil, "\(family.name) lacks HELP or TYPE")
        }
        #expect(families.map(\.type) == ["counter", "gauge", "counter", "counter", "histogram"])
        #expect(families[0].samples == [.init(name: "app_events_total", labels: [:], value: 5)])
        #expect(families[1].samples.first?.value == 20.5)
        #expect(
            families[2].samples == [
                .init(name: "app_requests_total", labels: ["route": "/items/{id}/", "status": "200"], value: 2),
                .init(name: "app_requests_total", labels: ["route": "unmatched", "status": "404"], value: 1),
            ])
        #expect(families[3].samples.map(\.value) == [0, 0])
        #expect(text.contains("app_events_total 5\n"))
    }

    @Test func histogramBucketsAreCumulativeWithSumAndCount() throws {
        let registry = MetricsRegistry()
        let latency = registry.histogramFamily(
            "app_call_seconds", help: "Call latency.", labels: Outcome.self, buckets: [0.1, 0.5, 1])
        for value in [0.05, 0.1, 0.3, 0.7, 3.0] { latency.observe(.ok, value) }
        latency.observe(.failed, .milliseconds(250))
        let family = try #require(try ExpositionParser.parse(registry.render()).first)
        let ok = family.samples.filter { $0.labels["outcome"] == "ok" }
        let buckets = ok.filter { $0.name == "app_call_seconds_bucket" }
        #expect(buckets.map { $0.labels["le"] } == ["0.1", "0.5", "1", "+Inf"])
        #expect(buckets.map(\.value) == [2, 3, 4, 5])
        #expect(zip(buckets, buckets.dropFirst()).allSatisfy { $0.value <= $1.value })
        #expect(ok.first { $0.name == "app_call_seconds_count" }?.value == 5)
        let sum = try #require(ok.first { $0.name == "app_call_seconds_sum" }?.value)
        #expect(abs(sum - 4.15) < 1e-9)
        let failed = family.samples.filter { $0.labels["outcome"] == "failed" && $0.name == "app_call_seconds_bucket" }
        #expect(failed.map(\.value) == [0, 1, 1, 1])
        // The label set of a bucket line is the series' labels plus le.
        #expect(buckets.allSatisfy { Set($0.labels.keys) == ["outcome", "le"] })
    }

    @Test func labelValuesAndHelpAreEscaped() throws {
        let registry = MetricsRegistry()
        let family = registry.counterFamily(
            "app_paths_total", help: "Paths with \\ and\nnewline.", labels: RouteLabels.self)
        let nasty = "a\\b\"c\nd"
        family.increment(RouteLabels(route: nasty, status: 500))
        let text = registry.render()
        #expect(text.contains(#"route="a\\b\"c\nd""#))
        #expect(text.contains("# HELP app_paths_total Paths with \\\\ and\\nnewline.\n"))
        let parsed = try ExpositionParser.parse(text)
        #expect(parsed[0].help == "Paths with \\ and\nnewline.")
        #expect(parsed[0].samples.first?.labels["route"] == nasty)
        // Every sample sits on one line.
        #expect(text.split(separator: "\n").count == 3)
    }

    @Test func numbersAreFormattedForPrometheus() {
        #expect(ExpositionWriter.format(1) == "1")
        #expect(ExpositionWriter.format(0.005) == "0.005")
        #expect(ExpositionWriter.format(.infinity) == "+Inf")
        #expect(ExpositionWriter.format(-.infinity) == "-Inf")
        #expect(ExpositionWriter.format(.nan) == "NaN")
        #expect(Double(ExpositionWriter.format(1e-7)) == 1e-7)
        #expect(Double(ExpositionWriter.format(1e20)) == 1e20)
    }

    @Test func namesAreChecked() {
        #expect(MetricsRegistry.isValidMetricName("cfimages_http_requests_total"))
        #expect(MetricsRegistry.isValidMetricName("ns:sub_total"))
        #expect(!MetricsRegistry.isValidMetricName("9lives"))
        #expect(!MetricsRegistry.isValidMetricName("has-dash"))
        #expect(!MetricsRegistry.isValidMetricName(""))
        #expect(MetricsRegistry.isValidLabelName("route"))
        #expect(!MetricsRegistry.isValidLabelName("a:b"))
    }

    @Test func concurrentUpdatesAreAllCounted() async {
        let registry = MetricsRegistry()
        let family = registry.counterFamily("app_hits_total", help: "Hits.", labels: Outcome.self)
        let histogram = registry.histogram("app_sizes", help: "Sizes.", buckets: [1, 10])
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for i in 0..<1000 {
                        family.increment(worker.isMultiple(of: 2) ? .ok : .failed)
                        histogram.observe(Double(i % 20))
                    }
                }
            }
        }
        #expect(family.labels(.ok).value == 4000)
        #expect(family.labels(.failed).value == 4000)
        #expect(histogram.snapshot.count == 8000)
        #expect(histogram.snapshot.cumulativeCounts == [2 * 8 * 50, 11 * 8 * 50, 8000])
    }

    @Test func gaugeAddsAtomically() async {
        let gauge = Gauge()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask { for _ in 0..<500 { gauge.add(1) } }
            }
        }
        #expect(gauge.value == 2000)
    }
}
