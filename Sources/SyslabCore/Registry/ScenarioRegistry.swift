import Synchronization

/// The catalogue of scenarios and the set currently enabled. Thread-safe.
///
/// Changes (enable, disable, reset, expiry) happen under one lock and publish
/// a new immutable `ActiveSet` with a new generation number. Decisions take no
/// lock: each thread keeps the set it last saw (`DecisionThread`) and checks
/// the generation, an atomic load of a line only changes write. Each thread
/// also draws from its own random stream, and metric updates go to the
/// thread's own shard, so in steady state a decision writes no cache line
/// another thread writes (stateful scenarios aside, whose state is shared by
/// nature and written only when it changes).
///
/// The registry owns a `MetricsStore`: every scenario's declared metrics plus
/// the framework metrics (`FrameworkMetrics`), updated on enable, disable,
/// expiry and in every decision.
public final class ScenarioRegistry: @unchecked Sendable {
    public let clock: Clock
    /// Reads `clock` on the hot path without retaining it.
    private let clockReader: ClockReader
    /// Scenario and framework metrics; see `metricsText()`.
    public let metrics: MetricsStore
    /// Unique per registry in the process; names it in per-thread caches.
    let id: UInt64
    private static let nextID = Atomic<UInt64>(1)
    private let lock = Lock()
    private var scenarios: [String: Scenario] = [:]
    private var order: [String] = []
    /// The published active set; replaced wholesale on change, under the lock.
    private var active = ActiveSet.empty
    /// Bumped (after `active` is replaced) on every change.
    private let generation = Atomic<UInt64>(1)
    /// `active.entries.count`, readable without the lock: an idle registry
    /// answers a decision without reading the clock or any cache. It lives in
    /// memory of its own, at a fixed address, so that hosts for which any call
    /// into the library is costly (Python's ctypes) can read it directly
    /// (`activeCountAddress`, syslab_registry_active_word) and skip the call.
    @usableFromInline let activeCount: UnsafeMutablePointer<Atomic<Int>> = {
        let word = UnsafeMutablePointer<Atomic<Int>>.allocate(capacity: 1)
        word.initialize(to: Atomic<Int>(0))
        return word
    }()
    private let seed: UInt64
    /// Random streams handed to threads so far; the first thread to decide
    /// gets stream 0, the registry seed's own, so one thread repeating the
    /// same calls with the same seed gets the same effects.
    private let streamsClaimed = Atomic<UInt64>(0)
    /// Metric series per registered scenario, created on its first activation.
    private var instruments: [String: ScenarioInstruments] = [:]
    /// NUL-terminated copies of scenario names for C callers; freed in deinit,
    /// so a name handed out stays valid for the registry's lifetime.
    private var cNames: [String: UnsafeMutablePointer<CChar>] = [:]
    private let enabledGauge: MetricSeries
    private let activations: MetricFamily
    /// Where the enabled set lives when it is shared (`attach(store:)`);
    /// nil keeps it in memory. Decisions never read it.
    private var store: EnabledSetStore?
    /// The store revision behind each activation, while a store is attached.
    private var revisions: [String: String] = [:]

    /// `scenarios` must be valid definitions (the built-ins are checked by the
    /// test suite); untrusted ones go through `register(_:)`, which throws.
    public init(clock: Clock = SystemClock(), seed: UInt64 = 0x5EED, scenarios: [Scenario] = BuiltinCatalogue.all) {
        self.clock = clock
        clockReader = ClockReader(clock)
        self.seed = seed
        id = ScenarioRegistry.nextID.wrappingAdd(1, ordering: .relaxed).oldValue
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
        store?.close()
        for pointer in cNames.values { pointer.deallocate() }
        activeCount.deinitialize(count: 1)
        activeCount.deallocate()
    }

    /// Where the number of enabled scenarios lives (a 64-bit integer, written
    /// atomically): non-zero whenever a decision could hand out an effect.
    /// Valid for the registry's lifetime.
    public var activeCountAddress: UnsafePointer<Int64> {
        UnsafeRawPointer(activeCount).assumingMemoryBound(to: Int64.self)
    }

    // MARK: store

    /// Routes enable, disable and reset through `store` from now on; the
    /// store brings the set it holds with `applyStoredSet`.
    public func attach(store: EnabledSetStore) {
        lock.withLock {
            self.store = store
            revisions = [:]
        }
    }

    /// Keeps the enabled set in memory again (the current set stays).
    public func detachStore() {
        lock.withLock {
            store = nil
            revisions = [:]
        }
    }

    public var attachedStore: EnabledSetStore? { lock.withLock { store } }

    /// Makes the enabled set equal to `stored`, the store's whole set. Only
    /// the difference is applied: an activation whose revision is unchanged
    /// keeps its state and enabled time. Local expiry is now plus the
    /// remaining time the store reports, so TTLs keep expiring while the
    /// store is out of reach. Returns the records that could not be applied
    /// (a scenario this process does not define, parameters it rejects),
    /// after `unreadable` (records the store could not even decode).
    @discardableResult
    public func applyStoredSet(_ stored: [StoredActivation], unreadable: [UnappliedActivation] = []) -> [UnappliedActivation] {
        let now = clock.now()
        return lock.withLock {
            var unapplied = unreadable
            var current: [String: ActiveScenario] = [:]
            for entry in active.entries { current[entry.scenario.name] = entry }
            var next: [ActiveScenario] = []
            var added: [ActiveScenario] = []
            for record in stored {
                if let entry = current[record.name], revisions[record.name] == record.revision {
                    next.append(entry)
                    continue
                }
                revisions[record.name] = nil
                do {
                    guard let scenario = scenarios[record.name] else {
                        throw SyslabError.notFound("scenario '\(ErrorText.quoted(record.name))' is not defined in this process")
                    }
                    let (values, targeting) = try scenario.validate(parameters: record.parameterObject)
                    let entry = try ActiveScenario(
                        scenario: scenario, parameters: values, targeting: targeting,
                        enabledAt: now - max(0, record.elapsedSeconds),
                        expiresAt: record.remainingSeconds.map { now + max(0, $0) }, state: ActivationState(),
                        instruments: try instrumentsFor(scenario))
                    next.append(entry)
                    added.append(entry)
                    revisions[record.name] = record.revision
                } catch {
                    unapplied.append(UnappliedActivation(name: record.name, reason: "\(error)"))
                }
            }
            let kept = Set(next.map { ObjectIdentifier($0) })
            let dropped = active.entries.filter { !kept.contains(ObjectIdentifier($0)) }
            guard !added.isEmpty || !dropped.isEmpty else { return unapplied }
            for entry in dropped {
                entry.state.retire()
                entry.instruments.deactivated()
            }
            for entry in added {
                entry.installed()
                activations.series(LabelValues(entry.scenario.name)).add(1)
            }
            publish(next)
            return unapplied
        }
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
        let expiresAt = ttl > 0 && ttl.isFinite ? now + ttl : nil
        // Caller holds the lock. The definition may have been replaced since it was read above.
        func activation() throws -> ActiveScenario {
            guard let current = scenarios[name] else { throw unknown(name) }
            return try ActiveScenario(
                scenario: current, parameters: values, targeting: targeting, enabledAt: now,
                expiresAt: expiresAt, state: ActivationState(), instruments: try instrumentsFor(current))
        }
        guard let store = attachedStore else {
            try lock.withLock { install(try activation(), revision: nil) }
            return
        }
        // Built before the store write, so nothing after the write can fail.
        let entry = try lock.withLock { try activation() }
        var stored = parameters?.objectValue ?? [:]
        let target = stored.removeValue(forKey: "target") ?? .null
        try store.commit(.enable(name: name, parameters: .object(stored), target: target, ttl: expiresAt == nil ? 0 : ttl)) { revision in
            lock.withLock { install(entry, revision: revision) }
        }
    }

    /// Disables `name`. Disabling a known scenario that is not enabled is not an error.
    public func disable(_ name: String) throws {
        guard scenario(named: name) != nil else { throw unknown(name) }
        guard let store = attachedStore else {
            lock.withLock { removeActive { $0.scenario.name == name } }
            return
        }
        try store.commit(.disable(name: name)) { _ in
            lock.withLock {
                revisions[name] = nil
                removeActive { $0.scenario.name == name }
            }
        }
    }

    /// Disables every scenario. Throws only when a store is attached and
    /// cannot acknowledge the change.
    public func reset() throws {
        guard let store = attachedStore else {
            lock.withLock { removeActive { _ in true } }
            return
        }
        try store.commit(.reset) { _ in
            lock.withLock {
                revisions = [:]
                removeActive { _ in true }
            }
        }
    }

    /// Publishes `entry` in place of any activation of the same scenario. Caller holds the lock.
    private func install(_ entry: ActiveScenario, revision: String?) {
        let name = entry.scenario.name
        let kept = retire { $0.scenario.name == name }
        entry.installed()
        activations.series(LabelValues(name)).add(1)
        revisions[name] = revision
        publish(kept + [entry])
    }

    // MARK: status

    /// The enabled, unexpired scenarios. Expired ones are dropped here.
    public func activeScenarios(now: Double? = nil) -> [ActiveScenario] {
        let t = now ?? clock.now()
        return lock.withLock {
            pruneExpired(at: t)
            return active.entries
        }
    }

    public func statusJSON() -> JSONValue {
        let now = clock.now()
        let entries = activeScenarios(now: now)
        var status: [String: JSONValue] = ["now": .number(now), "enabled": .array(entries.map { $0.json(now: now) })]
        if let store = attachedStore { status["store"] = store.statusJSON }
        return .object(status)
    }

    /// The Prometheus text exposition (format 0.0.4) of every metric, after
    /// dropping expired scenarios so the gauges are current.
    public func metricsText(now: Double? = nil) -> String {
        _ = activeScenarios(now: now)
        return metrics.exposition()
    }

    // MARK: decisions

    /// True when no scenario is enabled. Inlined into callers (the C ABI),
    /// so an idle registry answers a decision in a few instructions.
    @inlinable public var isIdle: Bool { activeCount.pointee.load(ordering: .acquiring) == 0 }

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
        if isIdle { return 0 }
        return try DecisionThread.withCurrent { thread in
            thread.enterDecision()
            defer { thread.leaveDecision() }
            guard case let (slot, view, t)? = currentView(thread, now) else { return 0 }
            return try withUnsafePointer(to: context) { pointer in
                try view._withUnsafeGuaranteedRef { view in
                    try run(view, slot, t, thread, pointer, { $0.matches(context) }, emit)
                }
            }
        }
    }

    /// Like `decide(_:now:emit:)` for a request given as C strings (NULL
    /// counts as ""): the C ABI's path. The strings are read only when at
    /// least one scenario is enabled, through the thread's `RequestInterner`,
    /// so a known request shape costs no allocation and no string copy.
    @discardableResult
    public func decide(
        route: UnsafePointer<CChar>?, method: UnsafePointer<CChar>?, component: UnsafePointer<CChar>?,
        tags: UnsafePointer<UnsafePointer<CChar>?>?, tagCount: Int, now: Double? = nil,
        emit: (ActiveScenario, Effect) -> Void
    ) throws -> Int {
        if isIdle { return 0 }
        return try DecisionThread.withCurrent { thread in
            thread.enterDecision()
            defer { thread.leaveDecision() }
            guard case let (slot, view, t)? = currentView(thread, now) else { return 0 }
            return try thread.interner.withRequest(
                route: route, method: method, component: component, tags: tags, tagCount: tagCount
            ) { request in
                try view._withUnsafeGuaranteedRef { view in
                    try run(view, slot, t, thread, UnsafePointer(request.context), { $0.matches(request) }, emit)
                }
            }
        }
    }

    /// The thread's view of the active set, pruned of anything expired at the
    /// decision's time, with its slot and that time; nil when nothing is
    /// active. The view is borrowed: call inside `enterDecision`/`leaveDecision`.
    @inline(__always)
    private func currentView(_ thread: DecisionThread, _ now: Double?) -> (Int, Unmanaged<DecisionThread.View>, Double)? {
        let slot = thread.slot(for: self)
        var view = thread.view(slot, of: self)
        let t = now ?? (view._withUnsafeGuaranteedRef { $0.readsClock } ? clockReader.now() : .nan)
        if t >= view._withUnsafeGuaranteedRef({ $0.earliestExpiry }) {
            // Something expired: only this slow path takes the lock.
            lock.withLock { pruneExpired(at: t) }
            view = thread.refresh(slot, of: self)
        }
        return view._withUnsafeGuaranteedRef { $0.prepared.isEmpty } ? nil : (slot, view, t)
    }

    /// Runs every prepared scenario whose matcher accepts the request.
    @inline(__always)
    private func run(
        _ view: DecisionThread.View, _ slot: Int, _ t: Double, _ thread: DecisionThread,
        _ context: UnsafePointer<RequestContext>, _ matches: (RequestMatcher) -> Bool,
        _ emit: (ActiveScenario, Effect) -> Void
    ) throws -> Int {
        // One generator for the decision, seeded once (when first drawn
        // from): the scenarios draw from it in turn.
        var request = ScenarioRequest(now: t, elapsed: 0, seed: thread.nextSeed(slot), shard: thread.shard)
        var count = 0
        // Indexed through a buffer pointer so no element (and no reference in
        // it) is copied; `view` keeps everything alive.
        try view.prepared.withUnsafeBufferPointer { prepared in
            for i in prepared.indices where prepared[i].matcher.acceptsAll || matches(prepared[i].matcher) {
                let probability = prepared[i].probability
                if probability < 1, request.random.nextUnit() >= probability { continue }
                request.elapsed = t - prepared[i].enabledAt
                try prepared[i].entry._withUnsafeGuaranteedRef { entry in
                    try prepared[i].program._withUnsafeGuaranteedRef { program in
                        if entry.checksEffects {
                            try runChecked(entry, program, &request, context, &count, emit)
                            return
                        }
                        try program.run(&request, context) { effect in
                            entry.instruments.count(effect, shard: thread.shard)
                            count += 1
                            emit(entry, effect)
                        }
                    }
                }
            }
        }
        return count
    }

    /// Runs a scenario that is not built in: each effect is validated first,
    /// and the first invalid one ends the decision with its error.
    private func runChecked(
        _ entry: ActiveScenario, _ program: ScenarioProgram, _ request: inout ScenarioRequest,
        _ context: UnsafePointer<RequestContext>,
        _ count: inout Int,
        _ emit: (ActiveScenario, Effect) -> Void
    ) throws {
        var rejected: Error? = nil
        var emitted = 0
        let shard = request.shard
        try program.run(&request, context) { effect in
            guard rejected == nil else { return }
            do { try ScenarioRegistry.check(effect, from: entry.scenario) } catch {
                rejected = error
                return
            }
            entry.instruments.count(effect, shard: shard)
            emitted += 1
            emit(entry, effect)
        }
        count += emitted
        if let rejected { throw rejected }
    }

    /// The published set and its generation, read together (a thread's slow
    /// path when the generation moved).
    func publishedSet() -> (UInt64, ActiveSet) {
        lock.withLock { (generation.load(ordering: .relaxed), active) }
    }

    /// The generation a thread compares its cached view against.
    var currentGeneration: UInt64 {
        @inline(__always) get { generation.load(ordering: .acquiring) }
    }

    /// A random stream for a thread's first decision on this registry.
    func claimRandomStream() -> SeededGenerator {
        let stream = streamsClaimed.wrappingAdd(1, ordering: .relaxed).oldValue
        return stream == 0 ? SeededGenerator(seed: seed) : SeededGenerator(seed: seed, stream: stream)
    }

    /// Records the HTTP status a host answered to a request that carried a
    /// security probe of scenario `scenario` (auth-bypass, sql-injection,
    /// csrf-attack, data-breach): refused (4xx), served (2xx/3xx) or failed
    /// (5xx) in `security_probe_responses_total`. Called once per probed
    /// request, off the decision path. A scenario that is not enabled now
    /// (it expired meanwhile) records nothing and is not an error.
    public func recordResponse(scenario name: String, status: Int) throws {
        guard (100...599).contains(status) else {
            throw SyslabError.outOfRange("recordResponse: status must be an HTTP status in [100, 599], got \(status)")
        }
        guard let scenario = scenario(named: name) else { throw unknown(name) }
        guard scenario.metrics.contains(where: { $0.name == SecurityProbes.responses.name }) else {
            throw SyslabError.invalidArgument("scenario '\(ErrorText.quoted(name))' presents no security probes, so it has no responses to record")
        }
        guard let outcome = SecurityProbes.outcome(status: status),
              let entry = activeScenarios().first(where: { $0.scenario.name == name }) else { return }
        try entry.instruments.resolve(SecurityProbes.responses.name, LabelValues(outcome)).add(1)
    }

    /// Convenience for tests and JSON callers: the effects as an array.
    public func decideAll(_ context: RequestContext, now: Double? = nil) throws -> [(scenario: String, effect: Effect)] {
        var out: [(String, Effect)] = []
        try decide(context, now: now) { entry, effect in out.append((entry.scenario.name, effect)) }
        return out
    }

    // MARK: private

    private func unknown(_ name: String) -> SyslabError {
        .notFound("unknown scenario '\(ErrorText.quoted(name))'")
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

    /// Retires the activations that match and returns the others (to be
    /// published). Caller holds the lock.
    private func retire(where shouldRemove: (ActiveScenario) -> Bool) -> [ActiveScenario] {
        var kept: [ActiveScenario] = []
        for entry in active.entries {
            if shouldRemove(entry) {
                entry.state.retire()
                entry.instruments.deactivated()
            } else {
                kept.append(entry)
            }
        }
        return kept
    }

    /// Removes matching activations and publishes the rest. Caller holds the lock.
    private func removeActive(where shouldRemove: (ActiveScenario) -> Bool) {
        guard active.entries.contains(where: shouldRemove) else { return }
        publish(retire(where: shouldRemove))
    }

    /// Publishes a new active set: the set first, then the generation, then
    /// the count, so a thread that sees the new count sees the new
    /// generation and fetches the new set. Caller holds the lock.
    private func publish(_ entries: [ActiveScenario]) {
        active = ActiveSet(entries)
        enabledGauge.set(Double(entries.count))
        generation.wrappingAdd(1, ordering: .releasing)
        activeCount.pointee.store(entries.count, ordering: .releasing)
    }

    /// Caller holds the lock.
    private func pruneExpired(at now: Double) {
        guard now >= active.earliestExpiry else { return }
        removeActive { $0.isExpired(at: now) }
    }
}
