/// One enabled scenario: its validated parameters, targeting and expiry.
/// Immutable; a class so decisions pass it around without copying the
/// scenario's description.
public final class ActiveScenario: Sendable {
    public let scenario: Scenario
    public let parameters: ParameterValues
    public let targeting: Targeting
    public let enabledAt: Double
    /// nil means no expiry.
    public let expiresAt: Double?
    public let state: ActivationState
    /// The metric series this scenario's decisions update.
    public let instruments: ScenarioInstruments
    /// What a decision runs: compiled from the parameters once, here.
    let program: ScenarioProgram
    /// Effects of scenarios that are not built in are checked before they are handed out.
    let checksEffects: Bool
    /// Gauges the program computed at enable, set by `installed()`.
    private let gauges = ActivationGauges()

    init(scenario: Scenario, parameters: ParameterValues, targeting: Targeting, enabledAt: Double,
         expiresAt: Double?, state: ActivationState, instruments: ScenarioInstruments) throws {
        self.scenario = scenario; self.parameters = parameters; self.targeting = targeting
        self.enabledAt = enabledAt; self.expiresAt = expiresAt; self.state = state; self.instruments = instruments
        checksEffects = !scenario.isBuiltin
        if let compile = scenario.compile {
            program = try compile(ScenarioActivation(
                scenario: scenario.name, parameters: parameters, state: state, instruments: instruments, gauges: gauges))
        } else {
            program = ClosureProgram(apply: scenario.apply, invocation: ScenarioInvocation(
                scenario: scenario.name, parameters: parameters, context: RequestContext(), now: enabledAt,
                elapsed: 0, random: SeededGenerator(seed: 0), state: state,
                metrics: ScenarioMetrics(instruments: instruments, state: state)))
        }
    }

    /// Called by the registry once this activation is installed (after its
    /// gauges were reset): publishes the gauges its program computed at enable.
    func installed() {
        instruments.activated()
        gauges.publish(to: instruments)
    }

    public func isExpired(at now: Double) -> Bool {
        guard let expiresAt else { return false }
        return now >= expiresAt
    }

    public func json(now: Double) -> JSONValue {
        var o: [String: JSONValue] = [
            "name": .string(scenario.name), "category": .string(scenario.category),
            "params": parameters.json, "target": targeting.json, "enabled_at": .number(enabledAt),
            "expires_at": expiresAt.map { .number($0) } ?? .null,
            "remaining_seconds": expiresAt.map { .number(max(0, $0 - now)) } ?? .null,
        ]
        o["origin"] = .string(scenario.origin)
        return .object(o)
    }
}
