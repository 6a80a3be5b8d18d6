import SyslabCore

/// How long a component takes, in milliseconds, when it is healthy, slow
/// (degraded but answering) and failing (the time until the error surfaces:
/// short for a refused connection, long for a timeout).
public struct LatencyProfile: Sendable, Equatable {
    public var healthy: Distribution
    public var slow: Distribution
    public var failing: Distribution

    public init(healthy: Distribution, slow: Distribution, failing: Distribution) {
        self.healthy = healthy; self.slow = slow; self.failing = failing
    }

    /// A lognormal around each mean with a 25% spread: realistic jitter with a right tail.
    public static func around(healthy: Double, slow: Double, failing: Double) -> LatencyProfile {
        LatencyProfile(healthy: jitter(healthy), slow: jitter(slow), failing: jitter(failing))
    }

    /// A lognormal with the given mean and a standard deviation of `spread` times it.
    public static func jitter(_ mean: Double, spread: Double = 0.25) -> Distribution {
        mean <= 0 ? .constant(0) : .lognormal(mean: mean, stddev: mean * spread)
    }

    public func distribution(for state: NodeState) -> Distribution {
        switch state {
        case .healthy: return healthy
        case .slow: return slow
        case .failing: return failing
        }
    }

    public var json: JSONValue {
        ["healthy": LatencyProfile.json(healthy), "slow": LatencyProfile.json(slow), "failing": LatencyProfile.json(failing)]
    }

    /// Parses `{"healthy": d, "slow": d, "failing": d}`; missing members keep `base`'s.
    public static func parse(_ json: JSONValue, base: LatencyProfile, path: String) throws -> LatencyProfile {
        guard case .object(let o) = json else {
            throw SyslabError.typeMismatch("\(path) must be an object with healthy, slow and failing, got \(json.typeName)")
        }
        var profile = base
        for (key, value) in o {
            let d = try parseDistribution(value, path: "\(path).\(key)")
            switch key {
            case "healthy": profile.healthy = d
            case "slow": profile.slow = d
            case "failing": profile.failing = d
            default: throw SyslabError.invalidArgument("unknown member '\(ErrorText.quoted(key))' in \(path) (expected healthy, slow, failing)")
            }
        }
        return profile
    }

    // MARK: distributions as JSON

    /// A distribution of milliseconds as JSON: `{"type": "lognormal", "mean": 40, "stddev": 10}`.
    public static func json(_ d: Distribution) -> JSONValue {
        switch d {
        case .constant(let v): return ["type": "constant", "value": .number(v)]
        case .uniform(let lo, let hi): return ["type": "uniform", "min": .number(lo), "max": .number(hi)]
        case .exponential(let m): return ["type": "exponential", "mean": .number(m)]
        case .normal(let m, let s): return ["type": "normal", "mean": .number(m), "stddev": .number(s)]
        case .lognormal(let m, let s): return ["type": "lognormal", "mean": .number(m), "stddev": .number(s)]
        case .pareto(let scale, let alpha): return ["type": "pareto", "scale": .number(scale), "alpha": .number(alpha)]
        case .weibull(let scale, let shape): return ["type": "weibull", "scale": .number(scale), "shape": .number(shape)]
        case .empirical(let values): return ["type": "empirical", "values": .array(values.map { .number($0) })]
        }
    }

    /// A bare number means "about this many ms" (lognormal, 25% spread).
    public static func parseDistribution(_ json: JSONValue, path: String) throws -> Distribution {
        if case .number(let n) = json {
            guard n.isFinite, n >= 0, n <= maxMilliseconds else {
                throw SyslabError.outOfRange("\(path) must be between 0 and \(Int(maxMilliseconds)) ms, got \(JSONValue.format(number: n))")
            }
            return jitter(n)
        }
        guard case .object(let o) = json else {
            throw SyslabError.typeMismatch("\(path) must be a number of ms or a distribution object, got \(json.typeName)")
        }
        guard let type = o["type"]?.stringValue else {
            throw SyslabError.invalidArgument("\(path) needs a string 'type' (constant, uniform, exponential, normal, lognormal, pareto, weibull, empirical)")
        }
        func number(_ key: String, positive: Bool = false) throws -> Double {
            guard let value = o[key] else { throw SyslabError.invalidArgument("\(path) (\(type)) needs '\(ErrorText.quoted(key))'") }
            guard let n = value.doubleValue else {
                throw SyslabError.typeMismatch("\(path).\(key) must be a number, got \(value.typeName)")
            }
            guard n.isFinite, n >= 0, n <= maxMilliseconds, !positive || n > 0 else {
                throw SyslabError.outOfRange("\(path).\(key) must be \(positive ? "greater than 0" : "at least 0") and at most \(Int(maxMilliseconds)), got \(JSONValue.format(number: n))")
            }
            return n
        }
        let allowed: [String]
        let d: Distribution
        switch type {
        case "constant": allowed = ["value"]; d = .constant(try number("value"))
        case "uniform":
            allowed = ["min", "max"]
            let lo = try number("min"), hi = try number("max")
            guard lo <= hi else { throw SyslabError.outOfRange("\(path): min (\(lo)) must not exceed max (\(hi))") }
            d = .uniform(min: lo, max: hi)
        case "exponential": allowed = ["mean"]; d = .exponential(mean: try number("mean", positive: true))
        case "normal": allowed = ["mean", "stddev"]; d = .normal(mean: try number("mean"), stddev: try number("stddev"))
        case "lognormal": allowed = ["mean", "stddev"]; d = .lognormal(mean: try number("mean", positive: true), stddev: try number("stddev"))
        case "pareto":
            allowed = ["scale", "alpha"]
            d = .pareto(scale: try number("scale", positive: true), alpha: try number("alpha", positive: true))
        case "weibull":
            allowed = ["scale", "shape"]
            d = .weibull(scale: try number("scale", positive: true), shape: try number("shape", positive: true))
        case "empirical":
            allowed = ["values"]
            guard let items = o["values"]?.arrayValue, !items.isEmpty else {
                throw SyslabError.invalidArgument("\(path) (empirical) needs a non-empty array 'values'")
            }
            d = .empirical(try items.enumerated().map { i, item in
                guard let n = item.doubleValue, n.isFinite, n >= 0, n <= maxMilliseconds else {
                    throw SyslabError.outOfRange("\(path).values[\(i)] must be a number between 0 and \(Int(maxMilliseconds))")
                }
                return n
            })
        default:
            throw SyslabError.invalidArgument("\(path) has unknown distribution type '\(ErrorText.quoted(type))' (expected constant, uniform, exponential, normal, lognormal, pareto, weibull, empirical)")
        }
        for key in o.keys where key != "type" && !allowed.contains(key) {
            throw SyslabError.invalidArgument("\(path) (\(type)) has unknown member '\(ErrorText.quoted(key))' (expected \(allowed.joined(separator: ", ")))")
        }
        return d
    }

    /// One hour: longer latencies are certainly a unit mistake.
    public static let maxMilliseconds: Double = 3_600_000
}

/// How a node behaves in one variant.
public enum NodeState: String, Sendable, CaseIterable {
    case healthy, slow, failing
}
