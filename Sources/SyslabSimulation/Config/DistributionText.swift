import SyslabCore

/// Distributions as users write them. A plain duration (0.01 or "10ms") is a
/// constant; otherwise an object naming the kind, with durations for its
/// time parameters:
///   {kind="exponential", mean="10ms"}           {kind="constant", value="5ms"}
///   {kind="uniform", min="1ms", max="9ms"}      {kind="normal", mean=, stddev=}
///   {kind="lognormal", mean="20ms", stddev="30ms"}
///   {kind="pareto", scale="2ms", alpha=1.5}     {kind="weibull", scale="10ms", shape=0.8}
///   {kind="empirical", values={0.001, 0.002, 0.010}}
public enum DistributionText {
    public static let kinds = ["constant", "uniform", "exponential", "normal", "lognormal", "pareto", "weibull", "empirical"]

    public static func parse(_ value: JSONValue, path: String) throws -> Distribution {
        switch value {
        case .number, .string:
            return .constant(try DurationText.seconds(value, path: path))
        case .object:
            let o = try ConfigObject(value, path: path)
            let kind = try o.requiredString("kind")
            let d: Distribution
            switch kind {
            case "constant":
                try o.allowOnly(["kind", "value"])
                d = .constant(try o.requiredDuration("value"))
            case "uniform":
                try o.allowOnly(["kind", "min", "max"])
                d = .uniform(min: try o.requiredDuration("min"), max: try o.requiredDuration("max"))
            case "exponential":
                try o.allowOnly(["kind", "mean"])
                d = .exponential(mean: try o.requiredDuration("mean"))
            case "normal", "lognormal":
                try o.allowOnly(["kind", "mean", "stddev"])
                let mean = try o.requiredDuration("mean"), sd = try o.requiredDuration("stddev")
                d = kind == "normal" ? .normal(mean: mean, stddev: sd) : .lognormal(mean: mean, stddev: sd)
            case "pareto":
                try o.allowOnly(["kind", "scale", "alpha"])
                d = .pareto(scale: try o.requiredDuration("scale"), alpha: try o.requiredNumber("alpha", in: 1e-6...1e6))
            case "weibull":
                try o.allowOnly(["kind", "scale", "shape"])
                d = .weibull(scale: try o.requiredDuration("scale"), shape: try o.requiredNumber("shape", in: 1e-6...1e6))
            case "empirical":
                try o.allowOnly(["kind", "values"])
                guard let items = try o.optionalArray("values"), !items.isEmpty else {
                    throw SyslabError.invalidArgument("\(path).values must be a non-empty array of durations")
                }
                d = .empirical(try items.enumerated().map { try DurationText.seconds($0.element, path: "\(path).values[\($0.offset + 1)]") })
            default:
                throw SyslabError.invalidArgument("\(path).kind must be one of \(kinds.joined(separator: ", ")), got '\(ErrorText.quoted(kind))'")
            }
            try DistributionCheck.validate(d, name: path, positiveMean: false)
            return d
        default:
            throw SyslabError.typeMismatch("\(path) must be a duration or a distribution object like {kind=\"exponential\", mean=\"10ms\"}, got \(value.typeName)")
        }
    }

    public static func json(_ d: Distribution) -> JSONValue {
        switch d {
        case .constant(let v): return ["kind": "constant", "value": .number(v)]
        case .uniform(let lo, let hi): return ["kind": "uniform", "min": .number(lo), "max": .number(hi)]
        case .exponential(let m): return ["kind": "exponential", "mean": .number(m)]
        case .normal(let m, let sd): return ["kind": "normal", "mean": .number(m), "stddev": .number(sd)]
        case .lognormal(let m, let sd): return ["kind": "lognormal", "mean": .number(m), "stddev": .number(sd)]
        case .pareto(let s, let a): return ["kind": "pareto", "scale": .number(s), "alpha": .number(a)]
        case .weibull(let s, let k): return ["kind": "weibull", "scale": .number(s), "shape": .number(k)]
        case .empirical(let v): return ["kind": "empirical", "values": .array(v.map { .number($0) })]
        }
    }
}
