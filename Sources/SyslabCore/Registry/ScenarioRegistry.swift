import Synchronization

/// The catalogue of scenarios and the set currently enabled. Thread-safe: all
/// state sits behind one lock, and decisions work on an immutable snapshot so
/// they never hold the lock while a scenario runs.
///
/// The registry owns a `MetricsStore`: every scenario's declared metrics plus
/// the framework metrics (`FrameworkMetrics`), updated on enable, disable,
/// expiry and in every decision.
public final class ScenarioRegistry: @unchecked Sendable {
    public let clock: Clock
    /// Scenario and framework metrics; see `metricsText()`.
    public let metrics: MetricsStore
    private let lock = Lock()
    private var scenarios: [String: Scenario] = [:]
    private var order: [String] = []
    /// Enabled scenarios in enable order; replaced wholesale (copy-on-write) on change.
    private var active: [ActiveScenario] = []
    private var random: SeededGenerator
    private var nextExpiry: Double = .infinity
    /// `active.count`, readable without the lock: an idle registry answers a
    /// decision without taking the lock or reading the clock.
    private let activeCount = Atomic<Int>(0)
    /// Metric series per registered scenario, created on its first activation.
    private var instruments: [String: ScenarioInstruments] = [:]
    /// NUL-terminated copies of scenario names for C callers; freed in deinit,
    /// so a name handed out stays valid for the registry's lifetime.
    private var cNames: [String: UnsafeMutablePointer<CChar>] = [:]
    private let enabledGauge: MetricSeries
    private let activations: MetricFamily

    /// `scenarios` must be valid definitions (the built-ins are checked by the
    /// test suite); untrusted ones go through `register(_:)`, which throws.
    public init(clock: Clock = SystemClock(), seed: UInt64 = 0x5EED, scenarios: [Scenario] = BuiltinCatalogue.all) {
        self.clock = clock
        self.random = SeededGenerator(seed: seed)
        let store = MetricsStore()
        var byName: [String: Scenario] = [:]
        var names: [String] = []
        do {
            for spec in FrameworkMetrics.all { try store.declare(spec, by: "framework") }
            enabledGauge = try store.declare(FrameworkMetrics.scenariosEnabled, by: "framework").series(.none)
            activations = try store.declare(FrameworkMetrics.activations, by: "framework")
            for scenario in scenarios {
                try scenario.validateDefinition()
                for spec in scenario.metrics { try store.declare(spec, by: scenario.name) }
                if byName[scenario.name] == nil { names.append(scenario.name) }
                byName[scenario.name] = scenario
            }
        } catch {
            preconditionFailure("invalid scenario passed to ScenarioRegistry.init: \(error)")
        }
        metrics = store
        self.scenarios = byName
        order = names
    }

    deinit {
        for pointer in cNames.values { pointer.deallocate() }
    }

    // MARK: catalogue

    /// All scenarios, in registration order.
    public var catalogue: [Scenario] { lock.withLock { order.compactMap { scenarios[$0] } } }

    public func scenario(named name: String) -> Scenario? { lock.withLock { scenarios[name] } }

    public func catalogueJSON() -> JSONValue {
        .object(["scenarios": .array(catalogue.map(\.json)), "version": .number(1)])
    }

    /// Adds a scenario (e.g. one defined in Lua) after checking its definition
    /// and that its metrics agree with metrics of the same name already
    /// declared. Built-ins cannot be replaced; a user scenario can be
    /// redefined, which disables its old activation.
    public func register(_ scenario: Scenario) throws {
        try scenario.validateDefinition()
        for spec in scenario.metrics { try metrics.checkCompatible(spec, by: scenario.name) }
        try lock.withLock {
            if let existing = scenarios[scenario.name] {
                if existing.isBuiltin {
                    throw SyslabError.alreadyExists("scenario '\(scenario.name)' is built in and cannot be redefined")
                }
                removeActive { $0.scenario.name == scenario.name }
                instruments[scenario.name] = nil
            } else {
                order.append(scenario.name)
            }
            for spec in scenario.metrics { try metrics.declare(spec, by: scenario.name) }
            scenarios[scenario.name] = scenario
        }
    }

    // MARK: enable / disable

    /// Enables `name` with parameters (nil = defaults) for `ttl` seconds (<= 0 = no expiry).
    /// Enabling an active scenario again replaces its parameters and expiry (and resets its state).
    public func enable(_ name: String, parameters: JSONValue? = nil, ttl: Double = 0) throws {
        guard !ttl.isNaN else {
            throw SyslabError.outOfRange("ttl for scenario '\(name)' must be a number of seconds, got NaN")
        }
        guard let scenario = scenario(named: name) else { throw unknown(name) }
        let (values, targeting) = try scenario.validate(parameters: parameters)
        let now = clock.now()
        try lock.withLock {
            // The definition may have been replaced since it was read above.
            guard let current = scenarios[name] else { throw unknown(name) }
            let entry = ActiveScenario(
                scenario: current, parameters: values, targeting: targeting, enabledAt: now,
                expiresAt: ttl > 0 && ttl.isFinite ? now + ttl : nil, state: ActivationState(),
                instruments: try instrumentsFor(current))
            removeActive { $0.scenario.name == name }
            active.append(entry)
            entry.instruments.activated()
            activations.series(LabelValues(name)).add(1)
            activeChanged()
        }
    }

    /// Disables `name`. Disabling a known scenario that is not enabled is not an error.
    public func disable(_ name: String) throws {
        guard scenario(named: name) != nil else { throw unknown(name) }
        lock.withLock { removeActive { $0.scenario.name == name } }
    }

    /// Disables every scenario.
    public func reset() {
        lock.withLock { removeActive { _ in true } }
    }

    // MARK: status

    /// The enabled, unexpired scenarios. Expired ones are dropped here.
    public func activeScenarios(now: Double? = nil) -> [ActiveScenario] {
        let t = now ?? clock.now()
        return lock.withLock {
            pruneExpired(at: t)
            return active
        }
    }

    public func statusJSON() -> JSONValue {
        let now = clock.now()
        let entries = activeScenarios(now: now)
        return .object(["now": .number(now), "enabled": .array(entries.map { $0.json(now: now) })])
    }

    /// The Prometheus text exposition (format 0.0.4) of every metric, after
    /// dropping expired scenarios so the gauges are current.
    public func metricsText(now: Double? = nil) -> String {
        _ = activeScenarios(now: now)
        return metrics.exposition()
    }

    // MARK: decisions

    /// Runs every active scenario that applies to `context` and hands each
    /// effect to `emit` with the scenario that produced it. `now` overrides the
    /// clock (the simulator passes virtual time). Returns the number of effects.
    /// Every effect is counted in `simulator_injections_total`. Effects from
    /// scenarios that are not built in are validated (magnitudes, and kinds
    /// against the declared `effects` when there are any).
    @discardableResult
    public func decide(
        _ context: RequestContext, now: Double? = nil, emit: (ActiveScenario, Effect) -> Void
    ) throws -> Int {
        try decide(now: now, context: { context }, emit: emit)
    }

    /// Like `decide(_:now:emit:)`, but builds the request context only when at
    /// least one scenario is enabled, so a host pays almost nothing while the
    /// lab is idle.
    @discardableResult
    public func decide(
        now: Double? = nil, context makeContext: () throws -> RequestContext, emit: (ActiveScenario, Effect) -> Void
    ) throws -> Int {
        if activeCount.load(ordering: .acquiring) == 0 { return 0 }
        let t = now ?? clock.now()
        let (snapshot, seed): ([ActiveScenario], UInt64) = lock.withLock {
            pruneExpired(at: t)
            return (active, active.isEmpty ? 0 : random.next())
        }
        if snapshot.isEmpty { return 0 }
        let context = try makeContext()
        var rng = SeededGenerator(seed: seed)
        var count = 0
        for entry in snapshot where entry.targeting.matches(context) {
            if entry.targeting.probability < 1, rng.nextUnit() >= entry.targeting.probability { continue }
            var invocation = ScenarioInvocation(
                scenario: entry.scenario.name, parameters: entry.parameters, context: context, now: t,
                elapsed: t - entry.enabledAt, random: SeededGenerator(seed: rng.next()), state: entry.state,
                metrics: ScenarioMetrics(instruments: entry.instruments, state: entry.state))
            let checked = !entry.scenario.isBuiltin
            var rejected: Error? = nil
            try entry.scenario.apply(&invocation) { effect in
                if checked {
                    guard rejected == nil else { return }
                    do { try ScenarioRegistry.check(effect, from: entry.scenario) } catch {
                        rejected = error
                        return
                    }
                }
                entry.instruments.count(effect)
                count += 1
                emit(entry, effect)
            }
            if let rejected { throw rejected }
        }
        return count
    }

    /// Convenience for tests and JSON callers: the effects as an array.
    public func decideAll(_ context: RequestContext, now: Double? = nil) throws -> [(scenario: String, effect: Effect)] {
        var out: [(String, Effect)] = []
        try decide(context, now: now) { entry, effect in out.append((entry.scenario.name, effect)) }
        return out
    }

    // MARK: private

    private func unknown(_ name: String) -> SyslabError {
        .notFound("unknown scenario '\(name)'")
    }

    private static func check(_ effect: Effect, from scenario: Scenario) throws {
        try effect.validate(scenario: scenario.name)
        if !scenario.effectKinds.isEmpty, !scenario.effectKinds.contains(effect.kind) {
            throw SyslabError.invalidArgument(
                "scenario '\(scenario.name)' returned a '\(effect.kind.name)' effect but declares only \(scenario.effectKinds.map(\.name).joined(separator: ", "))")
        }
    }

    /// Caller holds the lock.
    private func instrumentsFor(_ scenario: Scenario) throws -> ScenarioInstruments {
        if let existing = instruments[scenario.name] { return existing }
        let cName: UnsafeMutablePointer<CChar>
        if let known = cNames[scenario.name] {
            cName = known
        } else {
            let bytes = Array(scenario.name.utf8CString)
            cName = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
            cName.initialize(from: bytes, count: bytes.count)
            cNames[scenario.name] = cName
        }
        let created = try ScenarioInstruments(scenario: scenario, cName: UnsafePointer(cName), store: metrics)
        instruments[scenario.name] = created
        return created
    }

    /// Removes matching activations and retires them. Caller holds the lock.
    private func removeActive(where shouldRemove: (ActiveScenario) -> Bool) {
        guard active.contains(where: shouldRemove) else { return }
        var kept: [ActiveScenario] = []
        for entry in active {
            if shouldRemove(entry) {
                entry.state.retire()
                entry.instruments.deactivated()
            } else {
                kept.append(entry)
            }
        }
        active = kept
        activeChanged()
    }

    /// Caller holds the lock.
    private func activeChanged() {
        nextExpiry = active.compactMap(\.expiresAt).min() ?? .infinity
        enabledGauge.set(Double(active.count))
        activeCount.store(active.count, ordering: .releasing)
    }

    /// Caller holds the lock.
    private func pruneExpired(at now: Double) {
        guard now >= nextExpiry else { return }
        removeActive { $0.isExpired(at: now) }
    }
}
