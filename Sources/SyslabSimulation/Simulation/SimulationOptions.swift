import SyslabCore

/// How a run observes itself: its seed, trace sampling and the time-series
/// resolution.
public struct SimulationOptions: Sendable, Equatable {
    public var seed: UInt64
    /// Head sampling: the fraction of requests traced, decided when each starts.
    public var headSampling: Double
    /// Tail sampling: keep traces of requests slower than this (seconds); nil = off.
    public var tailSlowerThan: Double?
    /// Tail sampling: keep traces of failed requests.
    public var tailErrors: Bool
    /// At most this many traces are kept per kind of sampling (reservoir sampling, so
    /// they spread over the whole run).
    public var maxTraces: Int
    /// Width of one time-series row, in seconds.
    public var interval: Double
    /// Unix time of virtual time 0, for trace timestamps.
    public var epoch: Double
    /// The workload stops starting requests after this many (a guard against
    /// a mistyped rate running for hours); the summary says so.
    public var maxRequests: Int
    /// Bounds on simulated work, counting every call: those a request makes,
    /// retries, background tasks and async deliveries alike. The run stops
    /// with an error when the calls started exceed `maxCallsPerRequest` times
    /// the requests started, or more than `maxCallsInFlight` calls are live
    /// at once (that bounds memory).
    public var maxCallsPerRequest: Int
    public var maxCallsInFlight: Int

    public init(seed: UInt64 = 1, headSampling: Double = 0.001, tailSlowerThan: Double? = nil, tailErrors: Bool = false,
                maxTraces: Int = 100, interval: Double = 1, epoch: Double = 1_700_000_000, maxRequests: Int = 100_000_000,
                maxCallsPerRequest: Int = 10_000, maxCallsInFlight: Int = 1_000_000) {
        self.seed = seed; self.headSampling = headSampling; self.tailSlowerThan = tailSlowerThan
        self.tailErrors = tailErrors; self.maxTraces = maxTraces; self.interval = interval; self.epoch = epoch
        self.maxRequests = maxRequests; self.maxCallsPerRequest = maxCallsPerRequest; self.maxCallsInFlight = maxCallsInFlight
    }

    public var tailSampling: Bool { tailSlowerThan != nil || tailErrors }

    /// Reads `{seed=, interval="1s", traces={head=0.01, slower_than="500ms", errors=true, max=100}}`.
    public init(config json: JSONValue, path: String = "options") throws {
        let o = try ConfigObject(json, path: path)
        try o.allowOnly(["seed", "interval", "traces", "epoch", "max_requests", "max_calls_per_request", "max_calls_in_flight"])
        self.init()
        seed = try o.optionalSeed() ?? 1
        interval = try o.duration("interval", default: 1, in: 0.001...86_400)
        epoch = try o.number("epoch", default: epoch, in: 0...4e9)
        maxRequests = try o.integer("max_requests", default: maxRequests, in: 1...1_000_000_000)
        maxCallsPerRequest = try o.integer("max_calls_per_request", default: maxCallsPerRequest, in: 1...1_000_000)
        maxCallsInFlight = try o.integer("max_calls_in_flight", default: maxCallsInFlight, in: 1...10_000_000)
        if let t = try o.optionalObject("traces") {
            try t.allowOnly(["head", "slower_than", "errors", "max"])
            headSampling = try t.number("head", default: headSampling, in: 0...1)
            tailSlowerThan = try t.optionalDuration("slower_than")
            tailErrors = try t.bool("errors", default: false)
            maxTraces = try t.integer("max", default: maxTraces, in: 0...100_000)
        }
    }

    public var json: JSONValue {
        var traces: [String: JSONValue] = ["head": .number(headSampling), "errors": .bool(tailErrors), "max": .number(Double(maxTraces))]
        traces["slower_than"] = tailSlowerThan.map { .number($0) } ?? .null
        return ["seed": .number(Double(seed)), "interval": .number(interval), "traces": .object(traces),
                "max_requests": .number(Double(maxRequests)), "max_calls_per_request": .number(Double(maxCallsPerRequest)),
                "max_calls_in_flight": .number(Double(maxCallsInFlight))]
    }
}
