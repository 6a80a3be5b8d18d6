import SyslabCore

/// Validation of user-supplied distributions: finite, non-negative
/// parameters, so a sample can never be NaN or negative.
public enum DistributionCheck {
    public static func validate(_ d: Distribution, name: String, positiveMean: Bool) throws {
        func finite(_ values: Double...) -> Bool { values.allSatisfy { $0.isFinite && $0 >= 0 } }
        let ok: Bool
        switch d {
        case .constant(let v): ok = finite(v)
        case .uniform(let lo, let hi): ok = finite(lo, hi) && lo <= hi
        case .exponential(let m): ok = finite(m)
        case .normal(let m, let sd): ok = finite(m, sd)
        case .lognormal(let m, let sd): ok = finite(m, sd) && m > 0
        case .pareto(let scale, let alpha): ok = finite(scale, alpha) && alpha > 0
        case .weibull(let scale, let shape): ok = finite(scale, shape) && shape > 0
        case .empirical(let values): ok = !values.isEmpty && values.allSatisfy { $0.isFinite && $0 >= 0 }
        }
        guard ok else {
            throw SyslabError.outOfRange("\(name) distribution \(describe(d)) needs finite, non-negative parameters")
        }
        if positiveMean, !(d.mean > 0) {
            throw SyslabError.outOfRange("\(name) distribution \(describe(d)) must have a positive mean")
        }
    }

    public static func describe(_ d: Distribution) -> String {
        func f(_ x: Double) -> String { JSONValue.format(number: x) }
        switch d {
        case .constant(let v): return "constant(\(f(v)))"
        case .uniform(let lo, let hi): return "uniform(\(f(lo)), \(f(hi)))"
        case .exponential(let m): return "exponential(mean \(f(m)))"
        case .normal(let m, let sd): return "normal(mean \(f(m)), sd \(f(sd)))"
        case .lognormal(let m, let sd): return "lognormal(mean \(f(m)), sd \(f(sd)))"
        case .pareto(let s, let a): return "pareto(scale \(f(s)), alpha \(f(a)))"
        case .weibull(let s, let k): return "weibull(scale \(f(s)), shape \(f(k)))"
        case .empirical(let v): return "empirical(\(v.count) values)"
        }
    }
}
