import SyslabCore

/// A ramp stage as k6 writes it: move to `target` over `duration` seconds.
public struct Stage: Sendable, Equatable {
    public var target: Double
    public var duration: Double
    public init(target: Double, duration: Double) { self.target = target; self.duration = duration }
}

/// The load to apply, named and configured like k6's executors.
/// Open models (the arrival-rate executors) start requests on a schedule
/// whether or not earlier ones finished; closed models (the VU executors)
/// start the next request only when a virtual user's previous one returned.
public enum Executor: Sendable, Equatable {
    case constantArrivalRate(rate: Double, duration: Double)
    case rampingArrivalRate(startRate: Double, stages: [Stage])
    case constantVUs(vus: Int, duration: Double)
    case rampingVUs(startVUs: Int, stages: [Stage], gracefulRampDown: Double)
    case perVUIterations(vus: Int, iterations: Int, maxDuration: Double)

    public var name: String {
        switch self {
        case .constantArrivalRate: return "constant-arrival-rate"
        case .rampingArrivalRate: return "ramping-arrival-rate"
        case .constantVUs: return "constant-vus"
        case .rampingVUs: return "ramping-vus"
        case .perVUIterations: return "per-vu-iterations"
        }
    }

    public var isOpen: Bool {
        switch self {
        case .constantArrivalRate, .rampingArrivalRate: return true
        default: return false
        }
    }

    /// When the executor stops starting iterations (per-vu-iterations: its maxDuration).
    public var duration: Double {
        switch self {
        case .constantArrivalRate(_, let d), .constantVUs(_, let d): return d
        case .rampingArrivalRate(_, let stages), .rampingVUs(_, let stages, _): return stages.reduce(0) { $0 + $1.duration }
        case .perVUIterations(_, _, let maxDuration): return maxDuration
        }
    }
}

public struct Workload: Sendable, Equatable {
    public enum Arrivals: String, Sendable, CaseIterable {
        /// Exponential gaps: independent users, the usual queueing assumption.
        case poisson
        /// Evenly spaced starts, as k6 schedules them.
        case uniform
    }

    public var executor: Executor
    /// Open models: the most requests in flight at once (k6's maxVUs).
    public var maxVUs: Int
    /// Open models: when all maxVUs are busy, drop the iteration (k6) instead of
    /// starting it late; started-late requests still count from their intended start.
    public var dropWhenBusy: Bool
    public var arrivals: Arrivals
    /// Closed models: pause between a VU's iterations (k6's sleep).
    public var thinkTime: Distribution
    /// The client's request timeout (k6's default is 60 s).
    public var timeout: Double
    /// How long in-flight requests may finish after the executor stops (k6's gracefulStop).
    public var gracefulStop: Double

    public init(executor: Executor, maxVUs: Int = 100_000, dropWhenBusy: Bool = false, arrivals: Arrivals = .poisson,
                thinkTime: Distribution = .constant(0), timeout: Double = 60, gracefulStop: Double = 30) {
        self.executor = executor; self.maxVUs = maxVUs; self.dropWhenBusy = dropWhenBusy; self.arrivals = arrivals
        self.thinkTime = thinkTime; self.timeout = timeout; self.gracefulStop = gracefulStop
    }

    static let commonFields = ["executor", "maxVUs", "preAllocatedVUs", "dropWhenBusy", "arrivals", "thinkTime", "timeout", "gracefulStop"]

    /// Reads k6-style options, e.g.
    ///   {executor="constant-arrival-rate", rate=200, timeUnit="1s", duration="60s", maxVUs=500}
    ///   {executor="ramping-arrival-rate", startRate=50, timeUnit="1s", stages={{target=200, duration="30s"}}}
    ///   {executor="constant-vus", vus=50, duration="1m", thinkTime="100ms"}
    ///   {executor="ramping-vus", startVUs=0, stages={{target=100, duration="30s"}}, gracefulRampDown="10s"}
    ///   {executor="per-vu-iterations", vus=10, iterations=100, maxDuration="10m"}
    public init(config json: JSONValue, path: String = "workload") throws {
        let o = try ConfigObject(json, path: path)
        let name = try o.requiredString("executor")
        let maxSeconds = 86_400.0 * 30
        func stages() throws -> [Stage] {
            guard let items = try o.optionalArray("stages"), !items.isEmpty else {
                throw SyslabError.invalidArgument("\(path) (\(name)) needs 'stages', a non-empty list of {target=, duration=}")
            }
            return try items.enumerated().map { i, item in
                let s = try ConfigObject(item, path: "\(path).stages[\(i + 1)]")
                try s.allowOnly(["target", "duration"])
                return Stage(target: try s.requiredNumber("target", in: 0...1e9), duration: try s.requiredDuration("duration", in: 0...maxSeconds))
            }
        }
        let unit = try o.duration("timeUnit", default: 1, in: 1e-6...86_400)
        let executor: Executor
        switch name {
        case "constant-arrival-rate":
            try o.allowOnly(Self.commonFields + ["rate", "timeUnit", "duration"])
            executor = .constantArrivalRate(rate: try o.requiredNumber("rate", in: 1e-9...1e9) / unit,
                                            duration: try o.requiredDuration("duration", in: 1e-6...maxSeconds))
        case "ramping-arrival-rate":
            try o.allowOnly(Self.commonFields + ["startRate", "timeUnit", "stages"])
            executor = .rampingArrivalRate(startRate: try o.number("startRate", default: 0, in: 0...1e9) / unit,
                                           stages: try stages().map { Stage(target: $0.target / unit, duration: $0.duration) })
        case "constant-vus":
            try o.allowOnly(Self.commonFields + ["vus", "duration"])
            executor = .constantVUs(vus: try o.integer("vus", default: 1, in: 1...1_000_000),
                                    duration: try o.requiredDuration("duration", in: 1e-6...maxSeconds))
        case "ramping-vus":
            try o.allowOnly(Self.commonFields + ["startVUs", "stages", "gracefulRampDown"])
            let s = try stages()
            for (i, stage) in s.enumerated() where stage.target != stage.target.rounded() || stage.target > 1_000_000 {
                throw SyslabError.outOfRange("\(path).stages[\(i + 1)].target must be a whole number of VUs up to 1000000")
            }
            executor = .rampingVUs(startVUs: try o.integer("startVUs", default: 1, in: 0...1_000_000), stages: s,
                                   gracefulRampDown: try o.duration("gracefulRampDown", default: 30, in: 0...maxSeconds))
        case "per-vu-iterations":
            try o.allowOnly(Self.commonFields + ["vus", "iterations", "maxDuration"])
            executor = .perVUIterations(vus: try o.integer("vus", default: 1, in: 1...1_000_000),
                                        iterations: try o.integer("iterations", default: 1, in: 1...1_000_000_000),
                                        maxDuration: try o.duration("maxDuration", default: 600, in: 1e-6...maxSeconds))
        default:
            throw SyslabError.invalidArgument("\(path).executor must be one of constant-arrival-rate, ramping-arrival-rate, constant-vus, ramping-vus, per-vu-iterations; got '\(ErrorText.quoted(name))'")
        }
        if !executor.isOpen {
            for key in ["maxVUs", "preAllocatedVUs", "dropWhenBusy", "arrivals"] where o.has(key) {
                throw SyslabError.invalidArgument("\(path).\(key) applies to the arrival-rate executors only, not \(name)")
            }
        } else if o.has("thinkTime") {
            throw SyslabError.invalidArgument("\(path).thinkTime applies to the VU executors only; an arrival-rate executor sets the pace itself")
        }
        let preAllocated = try o.optionalInteger("preAllocatedVUs", in: 1...10_000_000)
        self.init(
            executor: executor,
            maxVUs: try o.optionalInteger("maxVUs", in: 1...10_000_000) ?? preAllocated.map { max($0, 100_000) } ?? 100_000,
            dropWhenBusy: try o.bool("dropWhenBusy", default: false),
            arrivals: Arrivals(rawValue: try o.choice("arrivals", Arrivals.allCases.map(\.rawValue), default: "poisson"))!,
            thinkTime: try o.distribution("thinkTime", default: .constant(0)),
            timeout: try o.duration("timeout", default: 60, in: 0.000_001...86_400),
            gracefulStop: try o.duration("gracefulStop", default: 30, in: 0...86_400))
        if executor.duration > maxSeconds {
            throw SyslabError.outOfRange("\(path): the test would last \(DurationText.format(executor.duration)); the limit is 30 days of virtual time")
        }
    }

    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "executor": .string(executor.name), "duration": .number(executor.duration), "timeout": .number(timeout),
            "gracefulStop": .number(gracefulStop),
        ]
        switch executor {
        case .constantArrivalRate(let rate, _): o["rate"] = .number(rate)
        case .rampingArrivalRate(let start, let stages):
            o["startRate"] = .number(start)
            o["stages"] = .array(stages.map { ["target": .number($0.target), "duration": .number($0.duration)] })
        case .constantVUs(let vus, _): o["vus"] = .number(Double(vus))
        case .rampingVUs(let start, let stages, let grace):
            o["startVUs"] = .number(Double(start)); o["gracefulRampDown"] = .number(grace)
            o["stages"] = .array(stages.map { ["target": .number($0.target), "duration": .number($0.duration)] })
        case .perVUIterations(let vus, let iterations, _):
            o["vus"] = .number(Double(vus)); o["iterations"] = .number(Double(iterations))
        }
        if executor.isOpen {
            o["maxVUs"] = .number(Double(maxVUs)); o["arrivals"] = .string(arrivals.rawValue); o["dropWhenBusy"] = .bool(dropWhenBusy)
        } else {
            o["thinkTime"] = DistributionText.json(thinkTime)
        }
        return .object(o)
    }

    /// A one-line description for summaries: "constant-arrival-rate 200/s for 60s".
    public var summary: String {
        func rate(_ r: Double) -> String { JSONValue.format(number: (r * 100).rounded() / 100) + "/s" }
        switch executor {
        case .constantArrivalRate(let r, let d): return "\(executor.name) \(rate(r)) for \(DurationText.format(d))"
        case .rampingArrivalRate(let s, let stages):
            return "\(executor.name) \(rate(s)) → " + stages.map { "\(rate($0.target)) over \(DurationText.format($0.duration))" }.joined(separator: " → ")
        case .constantVUs(let v, let d): return "\(executor.name) \(v) VUs for \(DurationText.format(d))"
        case .rampingVUs(let s, let stages, _):
            return "\(executor.name) \(s) VUs → " + stages.map { "\(Int($0.target)) over \(DurationText.format($0.duration))" }.joined(separator: " → ")
        case .perVUIterations(let v, let i, _): return "\(executor.name) \(v) VUs × \(i) iterations"
        }
    }
}
