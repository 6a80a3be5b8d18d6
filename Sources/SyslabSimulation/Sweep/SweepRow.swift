import SyslabCore

/// One run of a sweep: which point and replica, the values it ran with, and
/// the figures people sweep for. A flat record, so that it is a row of a
/// table as it is (a DataFrame, a CSV line):
///
///   point, replica (from 1), seed, one column per grid path,
///   requests, failed, failure_rate, throughput (completed per second), dropped,
///   mean_ms, p50_ms, p95_ms, p99_ms, passed (thresholds),
///   utilisation.<node> (a fraction; null for unlimited nodes),
///   pool_wait_ms.<edge> (mean wait for a pooled connection),
///   error (only when the run failed, e.g. a limit crossed; no figures then).
public struct SweepRow: Sendable, Equatable {
    public var job: Int
    public var point: Int
    public var replica: Int
    public var seed: UInt64
    public var values: [String: JSONValue]
    public var figures: [String: JSONValue] = [:]
    public var error: String? = nil

    init(job: Int, point: Int, replica: Int, seed: UInt64, values: [(path: SweepPath, value: JSONValue)]) {
        self.job = job; self.point = point; self.replica = replica; self.seed = seed
        self.values = Dictionary(values.map { ($0.path.text, $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    mutating func measure(_ report: LoadTestReport) {
        let r = report.result
        func ms(_ seconds: Double) -> JSONValue { .number(seconds * 1000) }
        figures = [
            "requests": .number(Double(r.completed)), "failed": .number(Double(r.failed)),
            "failure_rate": .number(r.failureRate), "throughput": .number(r.throughput),
            "dropped": .number(Double(r.droppedIterations)),
            "mean_ms": ms(r.latency.mean), "p50_ms": ms(r.latency.p50), "p95_ms": ms(r.latency.p95), "p99_ms": ms(r.latency.p99),
            "passed": .bool(report.passed),
        ]
        for c in r.components { figures["utilisation.\(c.id)"] = c.utilisation.map { .number($0) } ?? .null }
        for e in r.edges where e.poolSize != nil { figures["pool_wait_ms.\(e.id)"] = ms(e.meanPoolWait) }
    }

    /// A figure of the row (nil when absent or not a number).
    public func number(_ name: String) -> Double? { figures[name]?.doubleValue ?? values[name]?.doubleValue }

    public var json: JSONValue {
        var o = figures
        for (k, v) in values { o[k] = v }
        o["point"] = .number(Double(point + 1))
        o["replica"] = .number(Double(replica + 1))
        o["seed"] = .number(Double(seed))
        if let error { o["error"] = .string(error) }
        return .object(o)
    }
}
