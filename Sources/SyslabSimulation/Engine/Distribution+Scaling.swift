#if canImport(Glibc)
import Glibc
#endif
import SyslabCore

extension Distribution {
    /// The same shape with every time parameter multiplied by `factor`
    /// (topology latencies are milliseconds; the simulator works in seconds).
    public func scaled(by factor: Double) -> Distribution {
        switch self {
        case .constant(let v): return .constant(v * factor)
        case .uniform(let lo, let hi): return .uniform(min: lo * factor, max: hi * factor)
        case .exponential(let m): return .exponential(mean: m * factor)
        case .normal(let m, let sd): return .normal(mean: m * factor, stddev: sd * factor)
        case .lognormal(let m, let sd): return .lognormal(mean: m * factor, stddev: sd * factor)
        case .pareto(let scale, let alpha): return .pareto(scale: scale * factor, alpha: alpha)
        case .weibull(let scale, let shape): return .weibull(scale: scale * factor, shape: shape)
        case .empirical(let values): return .empirical(values.map { $0 * factor })
        }
    }
}

/// A distribution prepared for drawing many samples: the lognormal's
/// underlying normal parameters are computed once instead of per draw.
public struct Sampler: Sendable {
    public let distribution: Distribution
    private let mu: Double
    private let sigma: Double
    private let isLognormal: Bool

    public init(_ distribution: Distribution) {
        self.distribution = distribution
        if case .lognormal(let mean, let sd) = distribution, mean > 0 {
            let p = Distribution.lognormalParameters(mean: mean, stddev: sd)
            mu = p.mu; sigma = p.sigma; isLognormal = true
        } else {
            mu = 0; sigma = 0; isLognormal = false
        }
    }

    @inline(__always)
    public func sample(_ rng: inout SeededGenerator) -> Double {
        if isLognormal {
            // Box-Muller, as Distribution does, with the parameters precomputed.
            let u1 = rng.nextOpenUnit(), u2 = rng.nextUnit()
            return exp(mu + sigma * (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
        }
        return distribution.sample(&rng)
    }

    public var mean: Double { distribution.mean }
}
