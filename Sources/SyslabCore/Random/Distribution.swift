import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// A probability distribution of non-negative durations or sizes. Used by
/// latency scenarios and by the simulator; each variant draws with its
/// textbook inverse-transform or Box-Muller method.
public enum Distribution: Sendable, Equatable {
    case constant(Double)
    case uniform(min: Double, max: Double)
    case exponential(mean: Double)
    /// Normal truncated at zero.
    case normal(mean: Double, stddev: Double)
    /// Parameterised by the mean and standard deviation of the variable itself.
    case lognormal(mean: Double, stddev: Double)
    /// Pareto type I with scale (minimum) `scale` and shape `alpha`.
    case pareto(scale: Double, alpha: Double)
    case weibull(scale: Double, shape: Double)
    /// Draws uniformly from observed values.
    case empirical([Double])

    @inline(__always)
    public func sample(_ rng: inout SeededGenerator) -> Double {
        switch self {
        case .constant(let v):
            return v
        case .uniform(let lo, let hi):
            return lo + (hi - lo) * rng.nextUnit()
        case .exponential(let mean):
            return -mean * log(rng.nextOpenUnit())
        case .normal(let mean, let sd):
            return max(0, mean + sd * Distribution.standardNormal(&rng))
        case .lognormal(let mean, let sd):
            let (mu, sigma) = Distribution.lognormalParameters(mean: mean, stddev: sd)
            return exp(mu + sigma * Distribution.standardNormal(&rng))
        case .pareto(let scale, let alpha):
            return scale / pow(rng.nextOpenUnit(), 1 / alpha)
        case .weibull(let scale, let shape):
            return scale * pow(-log(rng.nextOpenUnit()), 1 / shape)
        case .empirical(let values):
            guard !values.isEmpty else { return 0 }
            return values[Int(rng.nextUnit() * Double(values.count))]
        }
    }

    /// The theoretical mean (infinite for Pareto with alpha <= 1).
    public var mean: Double {
        switch self {
        case .constant(let v): return v
        case .uniform(let lo, let hi): return (lo + hi) / 2
        case .exponential(let m): return m
        case .normal(let m, _): return m
        case .lognormal(let m, _): return m
        case .pareto(let scale, let alpha): return alpha <= 1 ? .infinity : alpha * scale / (alpha - 1)
        case .weibull(let scale, let shape): return scale * tgamma(1 + 1 / shape)
        case .empirical(let values): return values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
        }
    }

    /// The theoretical standard deviation (infinite for Pareto with alpha <= 2;
    /// the normal's is before truncation at zero).
    public var stddev: Double {
        switch self {
        case .constant: return 0
        case .uniform(let lo, let hi): return (hi - lo) / 12.0.squareRoot()
        case .exponential(let m): return m
        case .normal(_, let sd): return sd
        case .lognormal(_, let sd): return sd
        case .pareto(let scale, let alpha):
            return alpha <= 2 ? .infinity : scale / (alpha - 1) * (alpha / (alpha - 2)).squareRoot()
        case .weibull(let scale, let shape):
            let m = tgamma(1 + 1 / shape)
            return scale * max(0, tgamma(1 + 2 / shape) - m * m).squareRoot()
        case .empirical(let values):
            guard values.count > 1 else { return 0 }
            let m = mean
            return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count)).squareRoot()
        }
    }

    /// mu and sigma of the underlying normal for a lognormal with this mean and stddev.
    public static func lognormalParameters(mean: Double, stddev: Double) -> (mu: Double, sigma: Double) {
        let variance = stddev * stddev
        let sigma2 = log(1 + variance / (mean * mean))
        return (log(mean) - sigma2 / 2, sqrt(sigma2))
    }

    @inline(__always)
    static func standardNormal(_ rng: inout SeededGenerator) -> Double {
        // Box-Muller; one of the pair is discarded to keep the generator stateless.
        let u1 = rng.nextOpenUnit()
        let u2 = rng.nextUnit()
        return sqrt(-2 * log(u1)) * cos(2 * Double.pi * u2)
    }
}
