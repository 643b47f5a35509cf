import Synchronization

/// What a family is made of: ``Counter``, ``Gauge`` or ``Histogram``.
protocol FamilyMember: AnyObject, Sendable {
    /// The `# TYPE` word.
    static var typeName: String { get }
    /// Writes this series' sample lines; `labels` is the rendered label list without braces (maybe empty).
    func write(name: String, labels: String, to writer: inout ExpositionWriter)
}

/// Anything the registry renders: one metric family with its `# HELP` and `# TYPE` lines.
protocol FamilyRendering: Sendable {
    var name: String { get }
    func write(to writer: inout ExpositionWriter)
}

/// A labelled metric family: one series (a ``Counter``, ``Gauge`` or ``Histogram``) per label set, created on first
/// use. Lookup is one lock and one hash of the `Labels` value; keep the returned series to skip even that.
public final class MetricFamily<Labels: MetricLabels, Member: AnyObject & Sendable>: Sendable {
    public let name: String
    public let help: String
    private let make: @Sendable () -> Member
    private let series = Mutex<[Labels: Member]>([:])

    init(name: String, help: String, make: @escaping @Sendable () -> Member) {
        self.name = name
        self.help = help
        self.make = make
    }

    /// The series for `labels`, created (at zero) if new.
    public func labels(_ labels: Labels) -> Member {
        series.withLock { series in
            if let existing = series[labels] { return existing }
            let created = make()
            series[labels] = created
            return created
        }
    }

    /// Every series so far with its labels, in label-value order.
    public var allSeries: [(labels: Labels, series: Member)] {
        let entries = series.withLock { Array($0) }
        return entries.map { (labels: $0.key, series: $0.value) }
            .sorted { $0.labels.labelValues.lexicographicallyPrecedes($1.labels.labelValues) }
    }
}

extension MetricFamily where Member == Counter {
    @inline(__always)
    public func increment(_ labels: Labels, by amount: Int = 1) { self.labels(labels).increment(by: amount) }
}

extension MetricFamily where Member == Gauge {
    public func set(_ labels: Labels, _ value: Double) { self.labels(labels).set(value) }
    public func set(_ labels: Labels, _ value: Int) { self.labels(labels).set(value) }
}

extension MetricFamily where Member == Histogram {
    public func observe(_ labels: Labels, _ value: Double) { self.labels(labels).observe(value) }
    public func observe(_ labels: Labels, _ duration: Duration) { self.labels(labels).observe(duration) }
}

/// Renders a family whose members know how to write themselves.
struct FamilyRenderer<Labels: MetricLabels, Member: FamilyMember>: FamilyRendering {
    let family: MetricFamily<Labels, Member>

    var name: String { family.name }

    func write(to writer: inout ExpositionWriter) {
        writer.header(name: family.name, help: family.help, type: Member.typeName)
        for (labels, series) in family.allSeries {
            series.write(
                name: family.name, labels: ExpositionWriter.labelList(Labels.labelNames, labels.labelValues),
                to: &writer)
        }
    }
}
