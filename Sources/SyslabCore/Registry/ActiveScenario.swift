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

    init(scenario: Scenario, parameters: ParameterValues, targeting: Targeting, enabledAt: Double,
         expiresAt: Double?, state: ActivationState, instruments: ScenarioInstruments) {
        self.scenario = scenario; self.parameters = parameters; self.targeting = targeting
        self.enabledAt = enabledAt; self.expiresAt = expiresAt; self.state = state; self.instruments = instruments
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
