/// The catalogue of scenarios and the set currently enabled. Thread-safe: all
/// state sits behind one lock, and decisions work on an immutable snapshot so
/// they never hold the lock while a scenario runs.
public final class ScenarioRegistry: @unchecked Sendable {
    public let clock: Clock
    private let lock = Lock()
    private var scenarios: [String: Scenario] = [:]
    private var order: [String] = []
    /// Enabled scenarios in enable order; replaced wholesale (copy-on-write) on change.
    private var active: [ActiveScenario] = []
    private var random: SeededGenerator
    private var nextExpiry: Double = .infinity

    public init(clock: Clock = SystemClock(), seed: UInt64 = 0x5EED, scenarios: [Scenario] = BuiltinCatalogue.all) {
        self.clock = clock
        self.random = SeededGenerator(seed: seed)
        for scenario in scenarios {
            self.scenarios[scenario.name] = scenario
            order.append(scenario.name)
        }
    }

    // MARK: catalogue

    /// All scenarios, in registration order.
    public var catalogue: [Scenario] { lock.withLock { order.compactMap { scenarios[$0] } } }

    public func scenario(named name: String) -> Scenario? { lock.withLock { scenarios[name] } }

    public func catalogueJSON() -> JSONValue {
        .object(["scenarios": .array(catalogue.map(\.json)), "version": .number(1)])
    }

    /// Adds a scenario (e.g. one defined in Lua). Built-ins cannot be replaced;
    /// a user scenario can be redefined, which disables its old activation.
    public func register(_ scenario: Scenario) throws {
        try Scenario.validateName(scenario.name)
        for spec in scenario.parameters where spec.name == "target" {
            throw SyslabError.invalidArgument("scenario '\(scenario.name)': 'target' is reserved and cannot be a parameter name")
        }
        try lock.withLock {
            if let existing = scenarios[scenario.name] {
                if existing.origin == "builtin" {
                    throw SyslabError.alreadyExists("scenario '\(scenario.name)' is built in and cannot be redefined")
                }
                active.removeAll { $0.scenario.name == scenario.name }
            } else {
                order.append(scenario.name)
            }
            scenarios[scenario.name] = scenario
        }
    }

    // MARK: enable / disable

    /// Enables `name` with parameters (nil = defaults) for `ttl` seconds (<= 0 = no expiry).
    /// Enabling an active scenario again replaces its parameters and expiry.
    public func enable(_ name: String, parameters: JSONValue? = nil, ttl: Double = 0) throws {
        guard !ttl.isNaN else {
            throw SyslabError.outOfRange("ttl for scenario '\(name)' must be a number of seconds, got NaN")
        }
        guard let scenario = scenario(named: name) else { throw unknown(name) }
        let (values, targeting) = try scenario.validate(parameters: parameters)
        let now = clock.now()
        let entry = ActiveScenario(
            scenario: scenario, parameters: values, targeting: targeting, enabledAt: now,
            expiresAt: ttl > 0 && ttl.isFinite ? now + ttl : nil, state: ActivationState())
        lock.withLock {
            active.removeAll { $0.scenario.name == name }
            active.append(entry)
            recomputeExpiry()
        }
    }

    /// Disables `name`. Disabling a known scenario that is not enabled is not an error.
    public func disable(_ name: String) throws {
        guard scenario(named: name) != nil else { throw unknown(name) }
        lock.withLock {
            active.removeAll { $0.scenario.name == name }
            recomputeExpiry()
        }
    }

    /// Disables every scenario.
    public func reset() {
        lock.withLock {
            active.removeAll()
            nextExpiry = .infinity
        }
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

    // MARK: decisions

    /// Runs every active scenario that applies to `context` and hands each
    /// effect to `emit` with the scenario that produced it. `now` overrides the
    /// clock (the simulator passes virtual time). Returns the number of effects.
    @discardableResult
    public func decide(
        _ context: RequestContext, now: Double? = nil, emit: (ActiveScenario, Effect) -> Void
    ) throws -> Int {
        let t = now ?? clock.now()
        let (snapshot, seed): ([ActiveScenario], UInt64) = lock.withLock {
            pruneExpired(at: t)
            return (active, random.next())
        }
        if snapshot.isEmpty { return 0 }
        var rng = SeededGenerator(seed: seed)
        var count = 0
        for entry in snapshot where entry.targeting.matches(context) {
            if entry.targeting.probability < 1, rng.nextUnit() >= entry.targeting.probability { continue }
            var invocation = ScenarioInvocation(
                scenario: entry.scenario.name, parameters: entry.parameters, context: context, now: t,
                elapsed: t - entry.enabledAt, random: SeededGenerator(seed: rng.next()), state: entry.state)
            try entry.scenario.apply(&invocation) { effect in
                count += 1
                emit(entry, effect)
            }
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

    /// Caller holds the lock.
    private func pruneExpired(at now: Double) {
        guard now >= nextExpiry else { return }
        active.removeAll { $0.isExpired(at: now) }
        recomputeExpiry()
    }

    /// Caller holds the lock.
    private func recomputeExpiry() {
        nextExpiry = active.compactMap(\.expiresAt).min() ?? .infinity
    }
}

