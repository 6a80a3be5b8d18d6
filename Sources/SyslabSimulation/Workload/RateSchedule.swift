/// A piecewise-linear arrival rate r(t) (requests per second) and its
/// integral Λ(t). Arrivals of an open model sit where Λ crosses the next
/// target: each integer for evenly spaced starts, or Λ plus an Exp(1) draw
/// for a (non-homogeneous) Poisson process.
public struct RateSchedule: Sendable {
    struct Segment {
        let start: Double, end: Double
        let startRate: Double, endRate: Double
        /// Λ at `start`.
        let cumulative: Double
    }

    private let segments: [Segment]
    public let end: Double

    public init(startRate: Double, stages: [Stage]) {
        var segments: [Segment] = []
        var t = 0.0, rate = startRate, total = 0.0
        for stage in stages where stage.duration > 0 {
            segments.append(Segment(start: t, end: t + stage.duration, startRate: rate, endRate: stage.target, cumulative: total))
            total += (rate + stage.target) / 2 * stage.duration
            t += stage.duration
            rate = stage.target
        }
        self.segments = segments
        self.end = t
    }

    public init(constant rate: Double, duration: Double) {
        self.init(startRate: rate, stages: [Stage(target: rate, duration: duration)])
    }

    /// Λ(end): the expected number of arrivals.
    public var total: Double {
        guard let last = segments.last else { return 0 }
        return last.cumulative + (last.startRate + last.endRate) / 2 * (last.end - last.start)
    }

    /// The rate at time t.
    public func rate(at t: Double) -> Double {
        guard let s = segments.first(where: { t >= $0.start && t < $0.end }) else { return 0 }
        return s.startRate + (s.endRate - s.startRate) * (t - s.start) / (s.end - s.start)
    }

    /// The time at which Λ reaches `target`, or nil if it never does before the end.
    public func time(whenCumulativeReaches target: Double, from hint: inout Int) -> Double? {
        while hint < segments.count {
            let s = segments[hint]
            let length = s.end - s.start
            let segmentTotal = (s.startRate + s.endRate) / 2 * length
            let need = target - s.cumulative
            if need <= 0 { return s.start }
            if need <= segmentTotal, segmentTotal > 0 {
                // Solve r0·x + (r1-r0)/(2L)·x² = need for x in [0, L].
                let a = (s.endRate - s.startRate) / (2 * length), b = s.startRate
                let x: Double
                if abs(a) < 1e-15 {
                    x = need / b
                } else {
                    let disc = max(0, b * b + 4 * a * need)
                    x = 2 * need / (b + disc.squareRoot())   // stable form of (-b + √disc) / 2a
                }
                return s.start + min(max(x, 0), length)
            }
            hint += 1
        }
        return nil
    }
}
