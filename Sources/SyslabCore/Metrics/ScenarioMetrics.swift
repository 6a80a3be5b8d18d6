/// What a scenario's `apply` uses to record its domain metrics, by the names
/// of the metric specs it declares. The `scenario` label is filled in; other
/// labels are given in declaration order. Recording allocates nothing.
public struct ScenarioMetrics {
    let instruments: ScenarioInstruments?
    let state: ActivationState?

    init(instruments: ScenarioInstruments?, state: ActivationState?) {
        self.instruments = instruments
        self.state = state
    }

    /// Records nothing (for invoking a scenario outside a registry).
    public static let discarding = ScenarioMetrics(instruments: nil, state: nil)

    /// Adds `amount` (>= 0) to a counter, or any finite amount to a gauge.
    public func increment(_ name: String, by amount: Double = 1, _ labels: LabelValues = .none) throws {
        guard let series = try series(name, labels, .increment) else { return }
        guard amount.isFinite, amount >= 0 || series.kind == .gauge else {
            throw SyslabError.outOfRange("counter '\(name)' of scenario '\(scenarioName)' can only grow; got \(amount)")
        }
        series.series.add(amount)
    }

    /// Sets a gauge. Ignored once the activation has ended.
    public func set(_ name: String, _ value: Double, _ labels: LabelValues = .none) throws {
        guard let series = try series(name, labels, .set) else { return }
        guard value.isFinite else {
            throw SyslabError.outOfRange("gauge '\(name)' of scenario '\(scenarioName)' must be finite")
        }
        if state?.isRetired == true { return }
        series.series.set(value)
    }

    /// Records one observation in a histogram.
    public func observe(_ name: String, _ value: Double, _ labels: LabelValues = .none) throws {
        guard let series = try series(name, labels, .observe) else { return }
        guard value.isFinite else {
            throw SyslabError.outOfRange("histogram '\(name)' of scenario '\(scenarioName)' needs a finite value")
        }
        series.series.observe(value)
    }

    private var scenarioName: String { instruments?.scenario ?? "?" }

    private enum Verb: String {
        case increment, set, observe

        func allows(_ kind: MetricSpec.Kind) -> Bool {
            switch self {
            case .increment: return kind == .counter || kind == .gauge
            case .set: return kind == .gauge
            case .observe: return kind == .histogram
            }
        }
    }

    private func series(_ name: String, _ labels: LabelValues, _ verb: Verb) throws -> (series: MetricSeries, kind: MetricSpec.Kind)? {
        guard let instruments else { return nil }
        var found: ScenarioInstruments.DomainInstrument? = nil
        for candidate in instruments.domain where candidate.name == name {
            found = candidate
            break
        }
        guard let instrument = found else {
            throw SyslabError.notFound(
                "scenario '\(instruments.scenario)' records metric '\(name)', which it does not declare (declared: \(instruments.domain.map(\.name).joined(separator: ", ")))")
        }
        let kind = instrument.kind
        guard verb.allows(kind) else {
            throw SyslabError.typeMismatch("scenario '\(instruments.scenario)' cannot \(verb.rawValue) '\(name)', a \(kind.rawValue)")
        }
        guard labels.count == instrument.extraLabelCount else {
            let expected = instrument.family.spec.labels.filter { $0 != "scenario" }
            throw SyslabError.invalidArgument(
                "metric '\(name)' of scenario '\(instruments.scenario)' needs \(expected.count) label value(s) (\(expected.joined(separator: ", "))), got \(labels.count)")
        }
        if let sole = instrument.soleSeries { return (sole, kind) }
        var full = LabelValues()
        var next = 0
        for position in 0..<instrument.labelCount {
            if position == instrument.scenarioLabel {
                full.append(instruments.scenario)
            } else {
                full.append(labels[next])
                next += 1
            }
        }
        return (instrument.family.series(full), kind)
    }
}
