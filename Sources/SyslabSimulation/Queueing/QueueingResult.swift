import SyslabCore

/// What one run of a `QueueingModel` measured. Times are in seconds. W is the
/// time in system, Wq the time waiting in queue, L the time-averaged number
/// in system; percentiles are over accepted customers.
public struct QueueingResult: Sendable {
    public var arrivals: Int
    public var accepted: Int
    public var blocked: Int
    public var meanWq: Double
    public var meanW: Double
    public var meanL: Double
    public var meanLq: Double
    /// Time-averaged fraction of servers busy.
    public var utilisation: Double
    /// Virtual time from the first arrival instant (0) until the system emptied.
    public var duration: Double
    public var timeInSystem: LatencyHistogram
    public var timeInQueue: LatencyHistogram

    public var blocking: Double { arrivals == 0 ? 0 : Double(blocked) / Double(arrivals) }
    /// Accepted customers per second of virtual time.
    public var throughput: Double { duration > 0 ? Double(accepted) / duration : 0 }

    /// Relative gap between L measured as an area and λ·W from per-customer
    /// times. Little's law makes it zero up to rounding when the run starts
    /// and ends empty, so a non-zero value means broken bookkeeping.
    public var littlesLawError: Double {
        let predicted = throughput * meanW
        let scale = max(abs(meanL), abs(predicted), 1e-300)
        return abs(meanL - predicted) / scale
    }

    public var json: JSONValue {
        .object([
            "n": .number(Double(arrivals)), "accepted": .number(Double(accepted)), "blocked": .number(Double(blocked)),
            "blocking": .number(blocking), "mean_wq": .number(meanWq), "mean_w": .number(meanW),
            "mean_l": .number(meanL), "mean_lq": .number(meanLq), "utilisation": .number(utilisation),
            "throughput": .number(throughput), "duration": .number(duration),
            "p50_w": .number(timeInSystem.percentile(50)), "p90_w": .number(timeInSystem.percentile(90)),
            "p95_w": .number(timeInSystem.percentile(95)), "p99_w": .number(timeInSystem.percentile(99)),
            "p999_w": .number(timeInSystem.percentile(99.9)), "max_w": .number(timeInSystem.maximum),
            "p50_wq": .number(timeInQueue.percentile(50)), "p99_wq": .number(timeInQueue.percentile(99)),
            "littles_law_error": .number(littlesLawError),
        ])
    }
}
