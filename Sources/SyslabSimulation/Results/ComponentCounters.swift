/// Cumulative counters of one node. Phase and per-second figures are
/// differences of snapshots of these, so recording stays O(1).
public struct NodeCounters: Sendable {
    /// Calls that reached the node (attempts, retries included).
    public var arrivals = 0
    public var succeeded = 0
    public var failed = 0
    /// Failures by cause (indexed by `Cause.rawValue`).
    public var causes = [Int](repeating: 0, count: Cause.allCases.count)
    /// Failures that started here (its own errors, rejections, planned
    /// failures), by cause; the rest came back from the calls it made.
    public var originated = [Int](repeating: 0, count: Cause.allCases.count)
    /// Sum of the node's own processing time (service, its self time: what
    /// it waits on its callees is not in it), in seconds, and of its squares.
    public var serviceTime = 0.0
    public var serviceSquares = 0.0
    /// Service times recorded (counted when the work starts, like the sums).
    public var services = 0
    /// Sums of the logarithm of each service time and of its square: a test
    /// on them sees a shift of the whole distribution through a heavy tail.
    public var serviceLogSum = 0.0
    public var serviceLogSquares = 0.0
    /// Sum of time waiting before work starts (for a server, or for a thread
    /// or connection inside the node), and of its squares.
    public var queueWait = 0.0
    public var queueWaitSquares = 0.0
    public var queueWaits = 0
    /// Calls the node started to work on (each once): the count behind the mean waits.
    public var started = 0
    /// The part of `queueWait` spent waiting for a thread, connection or
    /// backlog slot inside the node, off its servers (a pool's wait metric).
    public var resourceWait = 0.0
    /// Sum of time from arrival to answer of the calls it answered.
    public var latencySum = 0.0
    /// Messages consumed from async edges and their summed lag.
    public var consumed = 0
    public var lagSum = 0.0
    public var effects = 0
    public var staleReads = 0
    public var truncated = 0
    public var retainedBytes = 0.0
    /// Lost writes, reordered messages, phantom reads: data anomalies from effects.
    public var anomalies = 0

    public init() {}
}

public struct EdgeCounters: Sendable {
    /// Attempts sent to the callee (first tries and retries).
    public var attempts = 0
    /// Attempts the callee received (the rest never reached it: connect failures, partitions).
    public var reached = 0
    /// Sum of the time from sending an attempt to its answer (or the caller's timeout), and how many.
    public var attemptTime = 0.0
    public var attemptsEnded = 0
    public var retries = 0
    public var timeouts = 0
    /// Failures absorbed by a fallback.
    public var fallbacks = 0
    /// Failures the caller saw after all retries.
    public var failures = 0
    public var retryBudgetDenied = 0
    public var poolWaitSum = 0.0
    public var poolWaits = 0
    public var poolTimeouts = 0
    public var breakerRejections = 0
    public var bulkheadRejections = 0
    public var published = 0

    public init() {}
}

public struct CacheCounters: Sendable {
    public var hits = 0
    public var misses = 0
    public var backendQueries = 0
    public var coalesced = 0

    public init() {}
}

/// A copy of every cumulative counter and time-average area at one instant.
public struct CounterSnapshot: Sendable {
    public var time: Double
    public var nodes: [NodeCounters]
    public var edges: [EdgeCounters]
    public var caches: [CacheCounters]
    /// Area under busy servers, queue length and pool connections in use.
    public var busyArea: [Double]
    public var queueArea: [Double]
    public var poolArea: [Double]
    public var requests: Int
    public var requestFailures: Int
    /// Requests that could not reach the entry node.
    public var unreached: Int = 0
}
