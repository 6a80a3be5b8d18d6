import Foundation

/// Closed forms from queueing theory, computed independently of the library
/// so the fidelity tests compare the simulator against textbook results.
enum QueueingTheory {
    /// Erlang C: the probability an arrival waits in M/M/c, with offered load a = λ/μ.
    /// Uses the numerically stable Erlang B recursion.
    static func erlangC(servers c: Int, offeredLoad a: Double) -> Double {
        var b = 1.0
        for k in 1...c { b = a * b / (Double(k) + a * b) }
        return Double(c) * b / (Double(c) - a * (1 - b))
    }

    struct Prediction {
        var meanWq: Double
        var meanW: Double
        var meanL: Double
        var blocking: Double
        /// P(W > t)
        var tail: (Double) -> Double

        /// The p-quantile of W by bisection on the tail.
        /// The bracket grows from the mean, so the tail is never evaluated far
        /// out where Erlang's M/D/1 alternating sum loses all precision.
        func quantile(_ p: Double) -> Double {
            var lo = 0.0, hi = meanW
            while tail(hi) > 1 - p { lo = hi; hi *= 2 }
            for _ in 0..<200 {
                let mid = (lo + hi) / 2
                if tail(mid) > 1 - p { lo = mid } else { hi = mid }
            }
            return (lo + hi) / 2
        }
    }

    /// P(Exp(θ) + Exp(μ) > t).
    static func hypoexponentialTail(_ theta: Double, _ mu: Double, _ t: Double) -> Double {
        if abs(theta - mu) < 1e-12 * mu { return exp(-mu * t) * (1 + mu * t) }
        return (theta * exp(-mu * t) - mu * exp(-theta * t)) / (theta - mu)
    }

    static func mmc(lambda: Double, mu: Double, servers c: Int) -> Prediction {
        let a = lambda / mu
        let pWait = erlangC(servers: c, offeredLoad: a)
        let theta = Double(c) * mu - lambda
        let wq = pWait / theta
        let w = wq + 1 / mu
        return Prediction(meanWq: wq, meanW: w, meanL: lambda * w, blocking: 0) { t in
            (1 - pWait) * exp(-mu * t) + pWait * hypoexponentialTail(theta, mu, t)
        }
    }

    /// M/D/1: Pollaczek–Khinchine mean, and Erlang's exact waiting-time
    /// distribution P(Wq <= t) = (1-ρ) Σ_{k=0}^{⌊t/D⌋} (λ(kD-t))^k / k! · e^{-λ(kD-t)}.
    static func md1(lambda: Double, mu: Double) -> Prediction {
        let rho = lambda / mu
        let d = 1 / mu
        let wq = rho / (2 * mu * (1 - rho))
        let w = wq + d
        return Prediction(meanWq: wq, meanW: w, meanL: lambda * w, blocking: 0) { t in
            let tq = t - d   // W = Wq + D exactly
            if tq < 0 { return 1 }
            var cdf = 0.0
            var k = 0
            while Double(k) * d <= tq {
                let x = lambda * (Double(k) * d - tq)
                cdf += pow(x, Double(k)) / tgamma(Double(k) + 1) * exp(-x)
                k += 1
            }
            return 1 - (1 - rho) * cdf
        }
    }

    /// M/M/c/K (K counts those in service): birth-death stationary
    /// distribution; an arrival that is accepted sees n < K customers (PASTA).
    static func mmck(lambda: Double, mu: Double, servers c: Int, capacity k: Int) -> Prediction {
        let a = lambda / mu
        var weights = [Double](repeating: 0, count: k + 1)
        weights[0] = 1
        for n in 1...k {
            weights[n] = weights[n - 1] * a / Double(min(n, c))
        }
        let total = weights.reduce(0, +)
        let p = weights.map { $0 / total }
        let blocking = p[k]
        let l = p.enumerated().reduce(0) { $0 + Double($1.offset) * $1.element }
        let lambdaEff = lambda * (1 - blocking)
        let w = l / lambdaEff
        let r = Double(c) * mu
        return Prediction(meanWq: w - 1 / mu, meanW: w, meanL: l, blocking: blocking) { t in
            var tail = 0.0
            for n in 0..<k {
                let seen = p[n] / (1 - blocking)
                if n < c {
                    tail += seen * exp(-mu * t)
                } else {
                    // Wait Erlang(n-c+1, cμ) then service Exp(μ).
                    tail += seen * erlangPlusExponentialTail(stages: n - c + 1, rate: r, mu: mu, t: t)
                }
            }
            return tail
        }
    }

    /// P(Erlang(k, r) > t) = e^{-rt} Σ_{i<k} (rt)^i / i!
    static func erlangTail(stages k: Int, rate r: Double, t: Double) -> Double {
        var term = 1.0, sum = 1.0
        if k > 1 { for i in 1..<k { term *= r * t / Double(i); sum += term } }
        return exp(-r * t) * sum
    }

    /// P(Erlang(k, r) + Exp(μ) > t) for r > μ:
    /// P(Erl > t) + e^{-μt} (r/(r-μ))^k P(Erlang(k, r-μ) <= t).
    static func erlangPlusExponentialTail(stages k: Int, rate r: Double, mu: Double, t: Double) -> Double {
        erlangTail(stages: k, rate: r, t: t) + exp(-mu * t) * scaledErlangCDF(stages: k, rate: r, slower: r - mu, t: t)
    }

    /// (r/s)^k P(Erlang(k, s) <= t) = e^{-st} (rt)^k/k! Σ_j (st)^j k!/(k+j)!, in logs
    /// and as a series: (r/s)^k overflows and 1 - P(Erlang > t) cancels for large k.
    static func scaledErlangCDF(stages k: Int, rate r: Double, slower s: Double, t: Double) -> Double {
        guard t > 0 else { return 0 }
        let lead = exp(-s * t + Double(k) * log(r * t) - lgamma(Double(k) + 1))
        var term = 1.0, sum = 1.0, j = 0
        repeat { j += 1; term *= s * t / Double(k + j); sum += term } while term > 1e-17 * sum
        return lead * sum
    }
}
