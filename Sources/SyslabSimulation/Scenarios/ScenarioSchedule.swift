import SyslabCore

/// Scenarios switched on and off at virtual times during a run, so one test
/// shows the system before, during and after a failure.
public struct ScheduledScenario: Sendable, Equatable {
    public var name: String
    /// Parameters as given to `enable` (nil = defaults); may include "target".
    public var parameters: JSONValue?
    /// Virtual seconds from the start of the test.
    public var at: Double
    /// How long it stays on; nil = until the end.
    public var duration: Double?

    public init(name: String, parameters: JSONValue? = nil, at: Double = 0, duration: Double? = nil) {
        self.name = name; self.parameters = parameters; self.at = at; self.duration = duration
    }

    public var end: Double { duration.map { at + $0 } ?? .infinity }

    public var json: JSONValue {
        var o: [String: JSONValue] = ["name": .string(name), "at": .number(at)]
        o["duration"] = duration.map { .number($0) } ?? .null
        o["params"] = parameters ?? .null
        return .object(o)
    }
}

public struct ScenarioSchedule: Sendable, Equatable {
    public var entries: [ScheduledScenario]

    public init(_ entries: [ScheduledScenario] = []) { self.entries = entries }

    /// Reads a list of `{name=, params={...}, at="20s", duration="20s"}` (or `until=`).
    public init(config json: JSONValue, path: String = "scenarios") throws {
        var entries: [ScheduledScenario] = []
        let items: [JSONValue]
        switch json {
        case .array(let a): items = a
        case .object(let o) where o.isEmpty: items = []
        default: throw SyslabError.typeMismatch("\(path) must be a list of {name=, params=, at=, duration=}, got \(json.typeName)")
        }
        for (i, item) in items.enumerated() {
            let at = "\(path)[\(i + 1)]"
            if let name = item.stringValue {
                entries.append(ScheduledScenario(name: name))
                continue
            }
            let o = try ConfigObject(item, path: at)
            try o.allowOnly(["name", "params", "at", "duration", "until"])
            let start = try o.duration("at", default: 0)
            var duration = try o.optionalDuration("duration")
            if let until = try o.optionalDuration("until") {
                guard duration == nil else { throw SyslabError.invalidArgument("\(at) gives both 'duration' and 'until'; use one") }
                guard until > start else { throw SyslabError.outOfRange("\(at).until (\(DurationText.format(until))) must be after 'at' (\(DurationText.format(start)))") }
                duration = until - start
            }
            if let d = duration, d <= 0 { throw SyslabError.outOfRange("\(at).duration must be positive") }
            var params = o.members["params"]
            if case .object(let p)? = params, p.isEmpty { params = nil }
            entries.append(ScheduledScenario(name: try o.requiredString("name"), parameters: params, at: start, duration: duration))
        }
        self.entries = entries
    }

    /// Checks every entry against a registry's catalogue and parameter specs.
    public func validate(against registry: ScenarioRegistry) throws {
        for (i, e) in entries.enumerated() {
            guard let scenario = registry.scenario(named: e.name) else {
                throw SyslabError.notFound("scenarios[\(i + 1)]: unknown scenario '\(ErrorText.quoted(e.name))'")
            }
            do { _ = try scenario.validate(parameters: e.parameters) } catch let error as SyslabError {
                throw error.prefixed("scenarios[\(i + 1)] ('\(ErrorText.quoted(e.name))'): ")
            }
        }
    }

    /// Times at which the set of active scenarios changes, within (0, end).
    public func boundaries(until end: Double) -> [Double] {
        var times = Set<Double>()
        for e in entries {
            if e.at > 0, e.at < end { times.insert(e.at) }
            if e.end < end, e.end > 0 { times.insert(e.end) }
        }
        return times.sorted()
    }

    /// Scenario names active at time t.
    public func active(at t: Double) -> [String] {
        entries.filter { $0.at <= t && t < $0.end }.map(\.name)
    }

    public var json: JSONValue { .array(entries.map(\.json)) }
}
