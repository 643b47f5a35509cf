/// The label set of one series in a labelled family: a small `Hashable` value (enums and integers are cheapest)
/// used as the lookup key on the hot path and turned into label strings only when the registry renders.
///
/// ```swift
/// struct CallLabels: MetricLabels {
///     static let labelNames = ["endpoint", "outcome"]
///     var endpoint: Endpoint
///     var outcome: Outcome
///     var labelValues: [String] { [endpoint.rawValue, outcome.rawValue] }
/// }
/// ```
public protocol MetricLabels: Hashable, Sendable {
    /// The label names, in output order. Valid Prometheus label names, none starting with `__`, no `le`.
    static var labelNames: [String] { get }
    /// The label values, in the order of ``labelNames``. Any text; the registry escapes it.
    var labelValues: [String] { get }
}

/// The label set of an unlabelled metric.
public struct NoLabels: MetricLabels {
    public static let labelNames: [String] = []
    public var labelValues: [String] { [] }
    public init() {}
}
