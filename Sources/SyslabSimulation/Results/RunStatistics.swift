/// Everything a run measures while it runs, in constant memory per
/// component: cumulative counters, streaming histograms, snapshots at phase
/// boundaries and one row per time-series interval.
struct RunStatistics {
    var nodes: [NodeCounters]
    var nodeLatency: [LatencyHistogram]
    var edges: [EdgeCounters]

    /// Request latency from the intended start (what users feel) and from the send.
    var latency = LatencyHistogram()
    var uncorrected = LatencyHistogram()
    var requestsStarted = 0
    /// Every call allocated: request calls, retries, background tasks, deliveries.
    var callsStarted = 0
    var completed = 0
    var failed = 0
    var causes = [Int](repeating: 0, count: Cause.allCases.count)
    var statuses: [Int: Int] = [:]
    var droppedIterations = 0
    var delayedIterations = 0
    /// Requests that could not reach the entry node (a partition in front of it).
    var unreached = 0
    var interrupted = 0
    var peakVUs = 0
    var inFlightPeak = 0
    var firstStart = Double.infinity
    var lastEnd = 0.0

    // Phases: before, during and after scheduled scenarios.
    let boundaries: [Double]
    var phaseLatency: [LatencyHistogram]
    var phaseRequests: [Int]
    var phaseFailures: [Int]
    var phaseStarted: [Int]
    var phaseSnapshots: [CounterSnapshot] = []

    // The time series.
    var intervalLatency = LatencyHistogram(significantDigits: 2)
    var intervalFailures = 0
    var intervalStarted = 0
    var lastSnapshot: CounterSnapshot? = nil
    var rows: [SeriesRow] = []

    // Traces.
    var traceBuffers: [[SpanRecord]] = []
    var headTraces: [KeptTrace] = []
    var tailTraces: [KeptTrace] = []
    var headSeen = 0
    var tailSeen = 0

    var warnings: [String] = []

    init(model: SystemModel, boundaries: [Double], schedule: ScenarioSchedule, options: SimulationOptions) {
        nodes = Array(repeating: NodeCounters(), count: model.nodes.count)
        nodeLatency = Array(repeating: LatencyHistogram(significantDigits: 2), count: model.nodes.count)
        edges = Array(repeating: EdgeCounters(), count: model.edges.count)
        self.boundaries = boundaries
        phaseLatency = Array(repeating: LatencyHistogram(), count: boundaries.count + 1)
        phaseRequests = Array(repeating: 0, count: boundaries.count + 1)
        phaseFailures = Array(repeating: 0, count: boundaries.count + 1)
        phaseStarted = Array(repeating: 0, count: boundaries.count + 1)
    }

    @inline(__always)
    func phase(of t: Double) -> Int {
        var i = 0
        while i < boundaries.count, t >= boundaries[i] { i += 1 }
        return i
    }

    /// True when `t` is the next phase boundary not yet closed.
    func isPhaseBoundary(_ t: Double) -> Bool {
        let next = phaseSnapshots.count - 1
        return next >= 0 && next < boundaries.count && boundaries[next] == t
    }

    mutating func closePhase(_ snapshot: CounterSnapshot) { phaseSnapshots.append(snapshot) }

    /// A request started; phases count requests by their intended start.
    @inline(__always)
    mutating func recordStart(intended: Double) {
        requestsStarted += 1
        phaseStarted[phase(of: intended)] += 1
    }

    @inline(__always)
    mutating func recordRequest(intended: Double, sent: Double, now: Double, outcome: Outcome) {
        let corrected = now - intended
        latency.record(corrected)
        uncorrected.record(now - sent)
        intervalLatency.record(corrected)
        completed += 1
        let p = phase(of: intended)
        phaseLatency[p].record(corrected)
        phaseRequests[p] += 1
        if outcome.failed {
            failed += 1
            intervalFailures += 1
            phaseFailures[p] += 1
            causes[outcome.cause.rawValue] += 1
        }
        statuses[outcome.status, default: 0] += 1
        if intended < firstStart { firstStart = intended }
        if now > lastEnd { lastEnd = now }
    }
}

/// A request's spans, kept by head or tail sampling.
struct KeptTrace {
    var spans: [SpanRecord]
    /// The request's number in start order: one request kept by both samplers is one trace.
    var serial: Int
    var intended: Double
    var finished: Double
    var outcome: Outcome
    var sampledBy: String
}

/// One row of the time series: the interval ending at `time`.
public struct SeriesRow: Sendable {
    public var time: Double
    public var started: Int
    public var completed: Int
    public var failed: Int
    public var p50: Double
    public var p95: Double
    public var p99: Double
    public var mean: Double
    public var inFlight: Int
    /// Per node: mean busy servers / servers (or mean concurrency when unlimited).
    public var utilisation: [Double]
    public var queue: [Double]
    public var arrivals: [Int]
    /// Per edge with a pool: mean wait for a connection in the interval (seconds).
    public var poolWait: [Double]
    public var retries: [Int]
    /// Per node with a cache: backend queries in the interval.
    public var cacheBackend: [Int]
    public var activeScenarios: [String]
}
