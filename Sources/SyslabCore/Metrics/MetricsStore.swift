/// Counters, gauges and histograms keyed by name and label values, rendered
/// as Prometheus text exposition (format 0.0.4). Thread-safe. A registry owns
/// one; scenarios declare their families through their metric specs.
public final class MetricsStore: @unchecked Sendable {
    /// The Content-Type to serve `exposition()` with.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private let lock = Lock()
    private var families: [String: MetricFamily] = [:]
    /// Labels put on every series of the exposition, first (a registry
    /// attached to a store carries its `workspace`); none by default.
    private var constantLabels: [(name: String, value: String)] = []

    public init() {}

    /// Sets the labels every series of the exposition carries. A family
    /// that declares a label of the same name keeps its own.
    public func setConstantLabels(_ labels: [(name: String, value: String)]) {
        lock.withLock { constantLabels = labels }
    }

    /// Declares a family. Declaring a name again (e.g. several latency
    /// scenarios sharing `http_injected_latency_seconds`) returns the existing
    /// family when type, labels and buckets agree, and fails otherwise.
    @discardableResult
    public func declare(_ spec: MetricSpec, by owner: String) throws -> MetricFamily {
        try lock.withLock {
            if let existing = families[spec.name] {
                let a = existing.spec
                guard a.kind == spec.kind, a.labels == spec.labels, a.buckets == spec.buckets else {
                    throw SyslabError.alreadyExists(
                        "metric '\(spec.name)' is declared by '\(existing.declaredBy)' as \(describe(a)); '\(owner)' declares it as \(describe(spec))")
                }
                return existing
            }
            let family = MetricFamily(spec: spec, declaredBy: owner)
            families[spec.name] = family
            return family
        }
    }

    /// Checks that `spec` could be declared, without declaring it.
    public func checkCompatible(_ spec: MetricSpec, by owner: String) throws {
        try lock.withLock {
            guard let existing = families[spec.name] else { return }
            let a = existing.spec
            guard a.kind == spec.kind, a.labels == spec.labels, a.buckets == spec.buckets else {
                throw SyslabError.alreadyExists(
                    "metric '\(spec.name)' is declared by '\(existing.declaredBy)' as \(describe(a)); '\(owner)' declares it as \(describe(spec))")
            }
        }
    }

    public func family(named name: String) -> MetricFamily? { lock.withLock { families[name] } }

    /// Every declared family, sorted by name.
    public var allFamilies: [MetricFamily] {
        lock.withLock { Array(families.values) }.sorted { $0.name < $1.name }
    }

    /// The value of a counter or gauge series, or nil if it does not exist (for tests and tools).
    public func value(_ name: String, _ labels: LabelValues = .none) -> Double? {
        family(named: name)?.existingSeries(labels)?.currentValue
    }

    /// The Prometheus text exposition of every family that has at least one series.
    public func exposition() -> String {
        var out = ""
        let constants = lock.withLock { constantLabels }
        for family in allFamilies {
            PrometheusText.write(family, constants: constants.filter { !family.spec.labels.contains($0.name) }, to: &out)
        }
        return out
    }

    private func describe(_ spec: MetricSpec) -> String {
        var text = "\(spec.kind.rawValue) with labels [\(spec.labels.joined(separator: ", "))]"
        if spec.kind == .histogram { text += " and buckets [\(spec.buckets.map { JSONValue.format(number: $0) }.joined(separator: ", "))]" }
        return text
    }
}
