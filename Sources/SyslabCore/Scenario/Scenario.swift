/// Everything one call to a scenario's `apply` sees.
public struct ScenarioInvocation {
    public let scenario: String
    public let parameters: ParameterValues
    public internal(set) var context: RequestContext
    /// Seconds since the Unix epoch (or virtual time in the simulator).
    public internal(set) var now: Double
    /// Seconds since this activation was enabled.
    public internal(set) var elapsed: Double
    /// Per-decision random stream, derived from the registry seed.
    public var random: SeededGenerator
    /// State that lives as long as this activation (budgets, breaker state).
    public let state: ActivationState
    /// Where the scenario records its domain metrics (the names of its metric specs).
    public let metrics: ScenarioMetrics

    public init(
        scenario: String, parameters: ParameterValues, context: RequestContext, now: Double, elapsed: Double,
        random: SeededGenerator, state: ActivationState, metrics: ScenarioMetrics = .discarding
    ) {
        self.scenario = scenario; self.parameters = parameters; self.context = context; self.now = now
        self.elapsed = elapsed; self.random = random; self.state = state; self.metrics = metrics
    }

    /// Puts one request's fields in place (see `ClosureProgram`).
    mutating func reset(for request: ScenarioRequest, _ context: RequestContext) {
        self.context = context
        now = request.now
        elapsed = request.elapsed
        random = request.random
    }

    /// A copy whose name and parameters live in storage of their own, so a
    /// thread using it never touches reference counts another thread touches.
    func threadPrivateCopy() -> ScenarioInvocation {
        ScenarioInvocation(
            scenario: String(decoding: Array(scenario.utf8), as: UTF8.self), parameters: parameters.threadPrivateCopy(),
            context: RequestContext(), now: 0, elapsed: 0, random: random, state: state, metrics: metrics)
    }
}

/// A scenario computes effects; it never performs side effects itself. Effects
/// are handed to `emit` so a decision allocates nothing.
public typealias ScenarioApply = @Sendable (inout ScenarioInvocation, (Effect) -> Void) throws -> Void

/// A named failure a learner can switch on.
public struct Scenario: Sendable {
    public var name: String
    public var category: String
    public var summary: String
    public var notes: LearningNotes
    public var parameters: [ParameterSpec]
    public var metrics: [MetricSpec]
    /// Where the scenario applies by default; `enable` may narrow it.
    public var applicability: Targeting
    /// The effect kinds this scenario can emit (documentation and docs/scenarios.md).
    public var effectKinds: [EffectKind]
    /// "builtin" or "lua".
    public var origin: String
    public var apply: ScenarioApply
    /// Built-ins that compile their parameters into a typed program once per
    /// activation; nil runs `apply` through a `ClosureProgram`.
    var compile: ScenarioCompiler?

    public init(
        name: String, category: String, summary: String, notes: LearningNotes,
        parameters: [ParameterSpec], metrics: [MetricSpec], applicability: Targeting = .everything,
        effectKinds: [EffectKind], origin: String = "builtin", apply: @escaping ScenarioApply
    ) {
        self.name = name; self.category = category; self.summary = summary; self.notes = notes
        self.parameters = parameters; self.metrics = metrics; self.applicability = applicability
        self.effectKinds = effectKinds; self.origin = origin; self.apply = apply
    }

    /// Checks a scenario name: kebab-case, 1..64 characters, starting with a letter or digit.
    public static func validateName(_ name: String) throws {
        let allowed = name.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }
        guard !name.isEmpty, name.utf8.count <= 64, allowed, name.first != "-", name.last != "-" else {
            throw SyslabError.invalidArgument("scenario name '\(name)' must be kebab-case: 1-64 characters of a-z, 0-9 and '-'")
        }
    }

    public var isBuiltin: Bool { origin == "builtin" }

    /// Checks the definition itself (what `ScenarioRegistry.register` accepts):
    /// the name, unique snake_case parameter names whose defaults satisfy their
    /// own limits, valid metric specs, no reserved names.
    public func validateDefinition() throws {
        try Scenario.validateName(name)
        var seen = Set<String>()
        for spec in parameters {
            guard MetricSpec.isSnakeCase(spec.name, allowLeadingDigit: false) else {
                throw SyslabError.invalidArgument("scenario '\(name)': parameter name '\(spec.name)' must be snake_case")
            }
            guard spec.name != "target" else {
                throw SyslabError.invalidArgument("scenario '\(name)': 'target' is reserved and cannot be a parameter name")
            }
            guard seen.insert(spec.name).inserted else {
                throw SyslabError.invalidArgument("scenario '\(name)': parameter '\(spec.name)' is declared twice")
            }
            if let lo = spec.minimum, let hi = spec.maximum, lo > hi {
                throw SyslabError.outOfRange("scenario '\(name)': parameter '\(spec.name)' has min greater than max")
            }
            _ = try spec.validate(spec.defaultValue.json, scenario: name)
        }
        var metricNames = Set<String>()
        for metric in metrics {
            try metric.validate(owner: name)
            if metric.name.hasPrefix(FrameworkMetrics.reservedPrefix) {
                throw SyslabError.invalidArgument("scenario '\(name)': metric '\(metric.name)' uses the reserved prefix '\(FrameworkMetrics.reservedPrefix)'")
            }
            guard metricNames.insert(metric.name).inserted else {
                throw SyslabError.invalidArgument("scenario '\(name)': metric '\(metric.name)' is declared twice")
            }
        }
        if Set(effectKinds).count != effectKinds.count {
            throw SyslabError.invalidArgument("scenario '\(name)': an effect kind is listed twice in 'effects'")
        }
    }

    /// Validates user parameters (a JSON object, or nil for defaults) against
    /// the specs. The reserved member `target` narrows applicability.
    public func validate(parameters json: JSONValue?) throws -> (ParameterValues, Targeting) {
        var values: [String: ParameterValue] = [:]
        for spec in parameters { values[spec.name] = spec.defaultValue }
        var targeting = applicability
        guard let json, !json.isNull else { return (ParameterValues(values), targeting) }
        guard case .object(let members) = json else {
            throw SyslabError.typeMismatch("parameters of scenario '\(name)' must be a JSON object, got \(json.typeName)")
        }
        for (key, value) in members {
            if key == "target" {
                let narrowed = try Targeting.parse(value, scenario: name)
                targeting = Targeting(
                    route: narrowed.route ?? applicability.route, method: narrowed.method ?? applicability.method,
                    component: narrowed.component ?? applicability.component,
                    tags: applicability.tags + narrowed.tags, probability: narrowed.probability)
                continue
            }
            guard let spec = parameters.first(where: { $0.name == key }) else {
                let known = parameters.map(\.name).joined(separator: ", ")
                throw SyslabError.invalidArgument("unknown parameter '\(key)' for scenario '\(name)' (known: \(known.isEmpty ? "none" : known), target)")
            }
            values[key] = try spec.validate(value, scenario: name)
        }
        return (ParameterValues(values), targeting)
    }

    public var json: JSONValue {
        [
            "name": .string(name), "category": .string(category), "summary": .string(summary),
            "notes": notes.json, "parameters": .array(parameters.map(\.json)),
            "metrics": .array(metrics.map(\.json)), "applicability": applicability.json,
            "effects": .array(effectKinds.map { .string($0.name) }), "origin": .string(origin),
        ]
    }
}
