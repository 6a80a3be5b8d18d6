#if canImport(Glibc)
import Glibc
#endif
import SyslabCore
import SyslabTracing

/// Latency percentiles of a histogram, in seconds.
public struct Percentiles: Sendable, Equatable {
    public var count: Int
    public var mean: Double
    public var p50: Double
    public var p90: Double
    public var p95: Double
    public var p99: Double
    public var p999: Double
    public var max: Double

    public init(_ h: LatencyHistogram) {
        count = h.count; mean = h.mean
        p50 = h.percentile(50); p90 = h.percentile(90); p95 = h.percentile(95)
        p99 = h.percentile(99); p999 = h.percentile(99.9); max = h.maximum
    }

    public var json: JSONValue {
        ["count": .number(Double(count)), "mean": .number(mean), "p50": .number(p50), "p90": .number(p90),
         "p95": .number(p95), "p99": .number(p99), "p99.9": .number(p999), "max": .number(max)]
    }
}

/// What one node did over a span of time (the whole run or one phase).
public struct ComponentReport: Sendable {
    public var id: String
    public var kind: String
    /// nil = unlimited.
    public var servers: Int?
    public var arrivals: Int
    public var arrivalRate: Double
    public var succeeded: Int
    public var failed: Int
    public var causes: [String: Int]
    /// Failures that started at this node (its own errors and rejections), by
    /// cause; `propagated` failures came back from the calls it made.
    public var originatedCauses: [String: Int] = [:]
    public var originated: Int { originatedCauses.values.reduce(0, +) }
    public var propagated: Int { max(0, failed - originated) }
    /// Mean busy servers / servers, a fraction; nil for unlimited nodes, which
    /// have no capacity to use up ("n/a" in JSON).
    public var utilisation: Double?
    public var meanQueue: Double
    /// Mean wait before work starts, per answered call: for a server, or for
    /// a thread or connection inside the node (`meanResourceWait`).
    public var meanQueueWait: Double
    /// Mean self time per answered call: the node's own processing, without
    /// what it waits on its callees.
    public var meanService: Double
    public var cache: CacheReport?
    public var consumed: Int
    public var meanLag: Double
    /// What the simulator injected here (effects applied). Reported in the
    /// `injected` section only; the diagnosis never reads it.
    public var effects: Int
    public var anomalies: Int
    /// Calls answered (succeeded or failed), and services started (the count behind `meanService`).
    public var served: Int = 0
    public var services: Int = 0
    public var serviceStddev: Double = 0
    /// Mean and spread of the logarithm of the self time (its geometric mean is exp of the mean).
    public var serviceLogMean: Double = 0
    public var serviceLogStddev: Double = 0
    public var queueWaitStddev: Double = 0
    /// Mean wait for a thread, connection or backlog slot inside the node, off its servers.
    public var meanResourceWait: Double = 0
    /// Mean time from arrival to answer (queueing, self time and callees).
    public var meanLatency: Double = 0
    /// Time from arrival to answer at this node (whole run only; nil in phases).
    public var latency: Percentiles? = nil

    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "id": .string(id), "kind": .string(kind), "servers": servers.map { .number(Double($0)) } ?? .string("unlimited"),
            "arrivals": .number(Double(arrivals)), "arrival_rate": .number(arrivalRate),
            "succeeded": .number(Double(succeeded)), "failed": .number(Double(failed)),
            "causes": .object(causes.mapValues { .number(Double($0)) }), "utilisation": utilisation.map { .number($0) } ?? .string("n/a"),
            "failed_originated": .number(Double(originated)), "failed_propagated": .number(Double(propagated)),
            "originated_causes": .object(originatedCauses.mapValues { .number(Double($0)) }),
            "mean_queue": .number(meanQueue), "mean_queue_wait": .number(meanQueueWait), "mean_resource_wait": .number(meanResourceWait),
            "mean_service": .number(meanService), "service_stddev": .number(serviceStddev),
            "service_geomean": .number(services > 0 ? exp(serviceLogMean) : 0),
            "mean_latency": .number(meanLatency), "served": .number(Double(served)), "services": .number(Double(services)),
            "anomalies": .number(Double(anomalies)),
        ]
        if let cache { o["cache"] = cache.json }
        if consumed > 0 { o["consumed"] = .number(Double(consumed)); o["mean_lag"] = .number(meanLag) }
        if let latency { o["latency"] = latency.json }
        return .object(o)
    }
}

public struct CacheReport: Sendable {
    public var hits: Int
    public var misses: Int
    public var backendQueries: Int
    public var backendRate: Double
    public var coalesced: Int
    public var hitRatio: Double { hits + misses == 0 ? 0 : Double(hits) / Double(hits + misses) }

    public var json: JSONValue {
        ["hits": .number(Double(hits)), "misses": .number(Double(misses)), "hit_ratio": .number(hitRatio),
         "backend_queries": .number(Double(backendQueries)), "backend_rate": .number(backendRate),
         "coalesced": .number(Double(coalesced))]
    }
}

/// What the calls through one edge met.
public struct EdgeReport: Sendable {
    public var id: String
    public var from: String
    public var to: String
    public var mode: String
    public var attempts: Int
    public var attemptRate: Double
    /// Attempts that never reached the callee (refused or lost on the way).
    public var unreached: Int = 0
    /// Mean time from sending an attempt to its answer or the caller's timeout.
    public var meanLatency: Double = 0
    public var retries: Int
    public var timeouts: Int
    public var failures: Int
    public var fallbacks: Int
    public var retryBudgetDenied: Int
    public var poolSize: Int?
    public var meanPoolWait: Double
    public var poolTimeouts: Int
    /// Mean connections in use / pool size.
    public var poolUtilisation: Double
    public var breakerRejections: Int
    public var bulkheadRejections: Int
    public var published: Int
    /// Async edges: time from publish until a consumer starts (whole run only).
    public var lag: Percentiles? = nil

    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "id": .string(id), "from": .string(from), "to": .string(to), "mode": .string(mode),
            "attempts": .number(Double(attempts)), "attempt_rate": .number(attemptRate), "retries": .number(Double(retries)),
            "unreached": .number(Double(unreached)), "mean_latency": .number(meanLatency),
            "timeouts": .number(Double(timeouts)), "failures": .number(Double(failures)), "fallbacks": .number(Double(fallbacks)),
            "retry_budget_denied": .number(Double(retryBudgetDenied)),
            "breaker_rejections": .number(Double(breakerRejections)), "bulkhead_rejections": .number(Double(bulkheadRejections)),
        ]
        if let poolSize {
            o["pool"] = ["size": .number(Double(poolSize)), "mean_wait": .number(meanPoolWait), "timeouts": .number(Double(poolTimeouts)),
                         "utilisation": .number(poolUtilisation)]
        }
        if mode == "async" { o["published"] = .number(Double(published)) }
        if let lag { o["lag"] = lag.json }
        return .object(o)
    }
}

/// One stretch of the run between scenario changes: before, during, after.
public struct PhaseReport: Sendable {
    public var name: String
    public var start: Double
    public var end: Double
    public var scenarios: [String]
    /// Requests that started in the phase (by intended start) and completed.
    public var requests: Int
    public var failures: Int
    /// Latency of those requests; meaningless (all zero) when none completed.
    public var latency: Percentiles
    public var components: [ComponentReport]
    public var edges: [EdgeReport]
    /// Requests that started in the phase, completed or not.
    public var started: Int = 0
    /// Requests that could not reach the entry node.
    public var unreached: Int = 0
    /// Requests started per second.
    public var arrivalRate: Double { Double(started) / max(end - start, 1e-9) }

    public var failureRate: Double { requests == 0 ? 0 : Double(failures) / Double(requests) }
    /// Requests of the phase still unanswered when the run ended.
    public var unfinished: Int { max(0, started - requests) }
    /// No request of the phase completed: its latency and failure rate say nothing.
    public var noCompletions: Bool { requests == 0 }

    public var json: JSONValue {
        ["name": .string(name), "start": .number(start), "end": .number(end),
         "scenarios": .array(scenarios.map { .string($0) }), "started": .number(Double(started)),
         "arrival_rate": .number(arrivalRate), "unreached": .number(Double(unreached)),
         "requests": .number(Double(requests)), "unfinished": .number(Double(unfinished)),
         "failures": .number(Double(failures)), "failure_rate": noCompletions ? .null : .number(failureRate),
         "latency": noCompletions ? .null : latency.json,
         "components": .array(components.map(\.json)), "edges": .array(edges.map(\.json))]
    }
}

/// Everything a simulated load test measured.
public struct SimulationResult: Sendable {
    public static let formatVersion = 3

    public var system: String
    public var workload: Workload
    public var schedule: ScenarioSchedule
    public var options: SimulationOptions
    /// Virtual seconds from the first request to the end of the run.
    public var duration: Double
    public var requestsStarted: Int
    public var completed: Int
    public var failed: Int
    public var causes: [String: Int]
    public var statuses: [Int: Int]
    public var droppedIterations: Int
    public var delayedIterations: Int
    public var interrupted: Int
    public var peakInFlight: Int
    /// From each request's intended start (no coordinated omission).
    public var latency: Percentiles
    /// From when each request was actually sent.
    public var uncorrectedLatency: Percentiles
    public var latencyHistogram: LatencyHistogram
    public var uncorrectedHistogram: LatencyHistogram
    public var components: [ComponentReport]
    public var edges: [EdgeReport]
    public var phases: [PhaseReport]
    public var series: [SeriesRow]
    public var nodeIds: [String]
    /// Calls between the entry and each node (for ordering a diagnosis from the origin outwards).
    public var nodeDepths: [Int]
    public var poolEdgeIds: [String]
    public var cacheNodeIds: [String]
    public var edgeIds: [String]
    public var traces: [Trace]
    /// One structured log line per kept trace, in time order (`RequestLog`).
    public var logs: [RequestLog]
    /// Effects applied, by scenario and effect kind.
    public var effects: [String: [String: Int]]
    /// Per node: L measured as an area vs λW from per-call times (relative gap).
    public var littlesLaw: [(node: String, measured: Double, predicted: Double, error: Double)]
    public var warnings: [String]
    /// Wall-clock seconds the run took (set by whoever timed it).
    public var wallSeconds: Double = 0
    /// The node requests enter at.
    public var entryId: String = ""

    /// Any percentile (0...100) of request latency, in seconds.
    public func latencyPercentile(_ p: Double, corrected: Bool = true) -> Double {
        corrected ? latencyHistogram.percentile(p) : uncorrectedHistogram.percentile(p)
    }

    public var failureRate: Double { completed == 0 ? 0 : Double(failed) / Double(completed) }
    public var throughput: Double { duration > 0 ? Double(completed) / duration : 0 }
}
