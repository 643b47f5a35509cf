import Synchronization

/// The metrics of one process, rendered in Prometheus text exposition format 0.0.4.
///
/// ```swift
/// let registry = MetricsRegistry()
/// let requests = registry.counterFamily("app_requests_total", help: "Requests.", labels: RouteLabels.self)
/// requests.increment(RouteLabels(route: "/items/{id}/"))
/// let body = registry.render()   // serve with `MetricsRegistry.contentType`
/// ```
///
/// Families render in registration order, series in label-value order. Names and label names are checked when
/// registered; an invalid or duplicate name is a programming error and stops the process.
public final class MetricsRegistry: Sendable {
    /// The `Content-Type` of ``render()``.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private let families = Mutex<[any FamilyRendering]>([])

    public init() {}

    public func counter(_ name: String, help: String) -> Counter {
        counterFamily(name, help: help, labels: NoLabels.self).labels(NoLabels())
    }

    public func gauge(_ name: String, help: String) -> Gauge {
        gaugeFamily(name, help: help, labels: NoLabels.self).labels(NoLabels())
    }

    public func histogram(_ name: String, help: String, buckets: [Double] = Histogram.defaultBuckets) -> Histogram {
        histogramFamily(name, help: help, labels: NoLabels.self, buckets: buckets).labels(NoLabels())
    }

    public func counterFamily<Labels: MetricLabels>(
        _ name: String, help: String, labels: Labels.Type
    ) -> MetricFamily<Labels, Counter> {
        register(MetricFamily(name: name, help: help, make: { Counter() }), histogram: false)
    }

    public func gaugeFamily<Labels: MetricLabels>(
        _ name: String, help: String, labels: Labels.Type
    ) -> MetricFamily<Labels, Gauge> {
        register(MetricFamily(name: name, help: help, make: { Gauge() }), histogram: false)
    }

    public func histogramFamily<Labels: MetricLabels>(
        _ name: String, help: String, labels: Labels.Type, buckets: [Double] = Histogram.defaultBuckets
    ) -> MetricFamily<Labels, Histogram> {
        register(MetricFamily(name: name, help: help, make: { Histogram(buckets: buckets) }), histogram: true)
    }

    /// Every family, as exposition text.
    public func render() -> String {
        let families = families.withLock { $0 }
        var writer = ExpositionWriter()
        for family in families { family.write(to: &writer) }
        return writer.text
    }

    private func register<Labels, Member: FamilyMember>(
        _ family: MetricFamily<Labels, Member>, histogram: Bool
    ) -> MetricFamily<Labels, Member> {
        precondition(Self.isValidMetricName(family.name), "invalid metric name \(family.name)")
        for label in Labels.labelNames {
            precondition(Self.isValidLabelName(label) && !label.hasPrefix("__"), "invalid label name \(label)")
            precondition(!(histogram && label == "le"), "a histogram cannot have a label named le")
        }
        precondition(Set(Labels.labelNames).count == Labels.labelNames.count, "duplicate label name in \(family.name)")
        families.withLock { families in
            let taken = Set(families.map(\.name))
            let reserved = histogram ? ["_bucket", "_sum", "_count"].map { family.name + $0 } : []
            precondition(
                !taken.contains(family.name) && reserved.allSatisfy { !taken.contains($0) },
                "metric \(family.name) registered twice")
            families.append(FamilyRenderer(family: family))
        }
        return family
    }

    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`
    static func isValidMetricName(_ name: String) -> Bool {
        isValid(name, extra: UInt8(ascii: ":"))
    }

    /// `[a-zA-Z_][a-zA-Z0-9_]*`
    static func isValidLabelName(_ name: String) -> Bool {
        isValid(name, extra: nil)
    }

    private static func isValid(_ name: String, extra: UInt8?) -> Bool {
        guard !name.isEmpty else { return false }
        for (index, byte) in name.utf8.enumerated() {
            let letter = (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
            let digit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
            guard letter || byte == UInt8(ascii: "_") || byte == extra || (digit && index > 0) else { return false }
        }
        return true
    }
}
