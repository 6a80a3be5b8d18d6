import SyslabCore

/// What the simulator itself did to the system: the scheduled scenarios and
/// the effects it applied, per phase and node. An operator of a real system
/// never sees this, so the diagnosis never reads it; reports show it in its
/// own section, to compare with what the diagnosis found from observations.
public struct InjectedReport: Sendable {
    public struct Phase: Sendable {
        public var name: String
        public var start: Double
        public var end: Double
        public var scenarios: [String]
        /// Calls that received effects, per node id (nodes without effects left out).
        public var effects: [String: Int]
    }

    public var scenarios: [ScheduledScenario]
    /// Effects applied, by scenario and effect kind.
    public var effects: [String: [String: Int]]
    public var phases: [Phase]

    public init(_ r: SimulationResult) {
        scenarios = r.schedule.entries
        effects = r.effects
        phases = r.phases.map { p in
            var nodes: [String: Int] = [:]
            for c in p.components where c.effects > 0 { nodes[c.id] = c.effects }
            return Phase(name: p.name, start: p.start, end: p.end, scenarios: p.scenarios, effects: nodes)
        }
    }

    public var json: JSONValue {
        var effectsJSON: [String: JSONValue] = [:]
        for (scenario, kinds) in effects { effectsJSON[scenario] = .object(kinds.mapValues { .number(Double($0)) }) }
        return [
            "note": "what the simulator applied; the diagnosis does not read this section",
            "scenarios": .array(scenarios.map(\.json)),
            "effects": .object(effectsJSON),
            "phases": .array(phases.map { p in
                ["name": .string(p.name), "start": .number(p.start), "end": .number(p.end),
                 "scenarios": .array(p.scenarios.map { .string($0) }),
                 "effects": .object(p.effects.mapValues { .number(Double($0)) })]
            }),
        ]
    }

    /// Lines for the text summary.
    public var lines: [String] {
        var out: [String] = []
        for p in phases where !p.effects.isEmpty {
            let nodes = p.effects.sorted { $0.value > $1.value }.map { "\($0.key) (\($0.value) calls)" }.joined(separator: ", ")
            out.append("\(p.name) [\(DurationText.format(p.start))–\(DurationText.format(p.end))]: effects on \(nodes)")
        }
        for (scenario, kinds) in effects.sorted(by: { $0.key < $1.key }) {
            out.append("\(scenario): " + kinds.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        return out
    }
}

extension SimulationResult {
    /// What the simulator injected (see `InjectedReport`).
    public var injected: InjectedReport { InjectedReport(self) }
}
