/// The metric series one registered scenario writes to, resolved once so a
/// decision updates them without looking anything up: a counter and a
/// duration histogram per effect kind it declares, and its own domain
/// families. Created on the scenario's first activation.
public final class ScenarioInstruments: @unchecked Sendable {
    public let scenario: String
    /// The scenario's name as a NUL-terminated C string, owned by the registry
    /// and valid until the registry is released.
    public let cName: UnsafePointer<CChar>

    let store: MetricsStore
    private let injectionFamily: MetricFamily
    private let durationFamily: MetricFamily
    /// Indexed by `EffectKind.rawValue`; nil for kinds the scenario does not
    /// declare. Unmanaged so that counting an effect borrows the series
    /// instead of retaining it (a shared reference count); `series` keeps
    /// them alive.
    private let injections: [Unmanaged<MetricSeries>?]
    private let durations: [Unmanaged<MetricSeries>?]
    private let series: [MetricSeries]
    let domain: [DomainInstrument]

    /// One declared domain family, with the position of its `scenario` label
    /// and, when that is its only label, the series itself.
    final class DomainInstrument {
        let name: String
        let family: MetricFamily
        let scenarioLabel: Int?
        let soleSeries: MetricSeries?
        // Copied out of the spec so recording reads plain values, not the spec struct.
        let kind: MetricSpec.Kind
        let labelCount: Int
        let extraLabelCount: Int

        init(name: String, family: MetricFamily, scenarioLabel: Int?, soleSeries: MetricSeries?) {
            self.name = name; self.family = family; self.scenarioLabel = scenarioLabel; self.soleSeries = soleSeries
            kind = family.spec.kind
            labelCount = family.spec.labels.count
            extraLabelCount = labelCount - (scenarioLabel == nil ? 0 : 1)
        }
    }

    init(scenario: Scenario, cName: UnsafePointer<CChar>, store: MetricsStore) throws {
        self.scenario = scenario.name
        self.cName = cName
        self.store = store
        injectionFamily = try store.declare(FrameworkMetrics.injections, by: "framework")
        durationFamily = try store.declare(FrameworkMetrics.effectDuration, by: "framework")
        let slots = (EffectKind.allCases.map(\.rawValue).max() ?? 0) + 1
        var injections = [Unmanaged<MetricSeries>?](repeating: nil, count: Int(slots))
        var durations = [Unmanaged<MetricSeries>?](repeating: nil, count: Int(slots))
        var series: [MetricSeries] = []
        for kind in scenario.effectKinds {
            let labels = LabelValues(scenario.name, kind.name)
            let counter = injectionFamily.series(labels), histogram = durationFamily.series(labels)
            series += [counter, histogram]
            injections[Int(kind.rawValue)] = Unmanaged.passUnretained(counter)
            durations[Int(kind.rawValue)] = Unmanaged.passUnretained(histogram)
        }
        self.injections = injections
        self.durations = durations
        self.series = series
        domain = try scenario.metrics.map { spec in
            let family = try store.declare(spec, by: scenario.name)
            let scenarioLabel = spec.labels.firstIndex(of: "scenario")
            let sole = spec.labels == ["scenario"] ? family.series(LabelValues(scenario.name)) : nil
            return DomainInstrument(name: spec.name, family: family, scenarioLabel: scenarioLabel, soleSeries: sole)
        }
    }

    /// Counts one effect a decision handed out, and the time it adds.
    /// `shard` is the calling thread's `ThreadShard.current`.
    @inline(__always)
    func count(_ effect: Effect, shard: Int) {
        let index = Int(effect.kind.rawValue)
        if let counter = injections[index] {
            counter._withUnsafeGuaranteedRef { $0.add(1, shard: shard) }
            let added = effect.addedSeconds
            if added > 0, let histogram = durations[index] {
                histogram._withUnsafeGuaranteedRef { $0.observe(added, shard: shard) }
            }
        } else {
            // An effect kind the scenario did not declare (allowed for Lua scenarios without `effects`).
            let labels = LabelValues(scenario, effect.kind.name)
            injectionFamily.series(labels).add(1)
            let added = effect.addedSeconds
            if added > 0 { durationFamily.series(labels).observe(added) }
        }
    }

    /// The series of domain metric `name` for `labels` (the values of its
    /// labels other than `scenario`, in declaration order), resolved once by
    /// a compiled scenario at enable.
    func resolve(_ name: String, _ labels: LabelValues = .none) throws -> MetricSeries {
        guard let instrument = domain.first(where: { $0.name == name }) else {
            throw SyslabError.notFound("scenario '\(scenario)' resolves metric '\(name)', which it does not declare")
        }
        guard labels.count == instrument.extraLabelCount else {
            throw SyslabError.invalidArgument("metric '\(name)' of scenario '\(scenario)' needs \(instrument.extraLabelCount) label value(s), got \(labels.count)")
        }
        if let sole = instrument.soleSeries { return sole }
        var full = LabelValues()
        var next = 0
        for position in 0..<instrument.labelCount {
            if position == instrument.scenarioLabel {
                full.append(scenario)
            } else {
                full.append(labels[next])
                next += 1
            }
        }
        return instrument.family.series(full)
    }

    /// Called when an activation starts: series that carry only the
    /// `scenario` label appear at zero, so rates start from a known value.
    /// Gauges are reset to zero; series with more labels appear on first use.
    func activated() {
        for instrument in domain {
            guard let sole = instrument.soleSeries, instrument.family.kind == .gauge else { continue }
            sole.set(0)
            instrument.family.adopt(sole)
        }
    }

    /// Called when an activation ends: the scenario's gauges describe a state
    /// that no longer exists, so their series are removed. Counters and
    /// histograms are cumulative and stay.
    func deactivated() {
        for instrument in domain where instrument.family.kind == .gauge {
            if instrument.scenarioLabel != nil {
                instrument.family.removeSeries(where: "scenario", equals: scenario)
            }
        }
    }
}
