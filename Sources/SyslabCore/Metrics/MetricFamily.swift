/// All series of one metric name: its spec (type, help, label names,
/// buckets) and a series per distinct set of label values.
public final class MetricFamily: @unchecked Sendable {
    public let spec: MetricSpec
    /// The scenario (or "framework") that declared it first.
    public let declaredBy: String
    private let lock = Lock()
    private var series: [LabelValues: MetricSeries] = [:]

    init(spec: MetricSpec, declaredBy: String) {
        self.spec = spec
        self.declaredBy = declaredBy
    }

    public var name: String { spec.name }
    public var kind: MetricSpec.Kind { spec.kind }

    /// The series for `labels`, created at zero on first use. The number of
    /// values must equal the number of label names (checked by callers).
    public func series(_ labels: LabelValues) -> MetricSeries {
        lock.withLock {
            if let existing = series[labels] { return existing }
            let created = MetricSeries(labels: labels, kind: spec.kind, buckets: spec.buckets)
            series[labels] = created
            return created
        }
    }

    /// Puts a series created earlier back (after `removeSeries`), so holders
    /// of the object keep writing to the exposed series.
    func adopt(_ existing: MetricSeries) {
        lock.withLock { series[existing.labels] = existing }
    }

    /// The series for `labels` if it exists.
    public func existingSeries(_ labels: LabelValues) -> MetricSeries? {
        lock.withLock { series[labels] }
    }

    /// Removes every series whose value for label `name` is `value` (used to
    /// drop a scenario's gauges when its activation ends).
    public func removeSeries(where name: String, equals value: String) {
        guard let index = spec.labels.firstIndex(of: name) else { return }
        lock.withLock { series = series.filter { $0.key[index] != value } }
    }

    /// Every series, sorted by label values (for a stable exposition).
    public var allSeries: [MetricSeries] {
        lock.withLock { Array(series.values) }.sorted { $0.labels < $1.labels }
    }
}
