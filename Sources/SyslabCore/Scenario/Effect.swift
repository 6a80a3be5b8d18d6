/// What a scenario asks to happen to one request. Effects are data: a host
/// service applies them to real requests, the simulator to simulated ones.
/// The vocabulary and how each kind is applied is documented in docs/effects.md.
public enum EffectKind: Int32, Sendable, Equatable, CaseIterable {
    /// Wait `seconds` before handling the request.
    case delay = 1
    /// Fail with HTTP `status`.
    case error = 2
    /// Reject with HTTP `status` (usually 429/503) and a Retry-After of `seconds`.
    case throttle = 3
    /// Close the connection without a response.
    case drop = 4
    /// Hold the request for `seconds` then give up (a stall, no bytes sent).
    case hang = 5
    /// The request times out after `seconds`.
    case timeout = 6
    /// Send only `amount` (a fraction 0..1) of the response body.
    case truncate = 7
    /// Cap throughput at `amount` bytes per second.
    case bandwidth = 8
    /// Issue `amount` extra backend queries for this request.
    case extraQueries = 9
    /// Wait `seconds` to acquire a lock before proceeding.
    case lockWait = 10
    /// Reduce a capacity (pool, threads, connections) to `amount` (a fraction 0..1 of normal).
    case capacity = 11
    /// Treat the cache lookup as a miss.
    case cacheMiss = 12
    /// Serve data `seconds` stale.
    case staleRead = 13
    /// Shift the clock by `seconds` (may be negative).
    case clockOffset = 14
    /// Burn CPU for `seconds` of wall time.
    case cpuBurn = 15
    /// Retain `amount` bytes of memory per request.
    case memoryRetention = 16
    /// Fail writes as if the disk were full (ENOSPC).
    case diskFull = 17

    public var name: String {
        switch self {
        case .delay: return "delay"
        case .error: return "error"
        case .throttle: return "throttle"
        case .drop: return "drop"
        case .hang: return "hang"
        case .timeout: return "timeout"
        case .truncate: return "truncate"
        case .bandwidth: return "bandwidth"
        case .extraQueries: return "extra_queries"
        case .lockWait: return "lock_wait"
        case .capacity: return "capacity"
        case .cacheMiss: return "cache_miss"
        case .staleRead: return "stale_read"
        case .clockOffset: return "clock_offset"
        case .cpuBurn: return "cpu_burn"
        case .memoryRetention: return "memory_retention"
        case .diskFull: return "disk_full"
        }
    }

    public init?(name: String) {
        guard let kind = EffectKind.allCases.first(where: { $0.name == name }) else { return nil }
        self = kind
    }
}

/// One effect with its magnitude. Fields a kind does not use are zero.
public struct Effect: Sendable, Equatable {
    public var kind: EffectKind
    /// Durations: delay, hang, timeout, lock wait, retry-after, staleness, clock offset, CPU burn.
    public var seconds: Double
    /// HTTP status for error and throttle.
    public var status: Int
    /// Kind-specific magnitude: fraction, bytes, bytes per second, query count.
    public var amount: Double

    public init(kind: EffectKind, seconds: Double = 0, status: Int = 0, amount: Double = 0) {
        self.kind = kind; self.seconds = seconds; self.status = status; self.amount = amount
    }

    public static func delay(seconds: Double) -> Effect { Effect(kind: .delay, seconds: seconds) }
    public static func error(status: Int) -> Effect { Effect(kind: .error, status: status) }

    public var json: JSONValue {
        ["kind": .string(kind.name), "seconds": .number(seconds), "status": .number(Double(status)), "amount": .number(amount)]
    }

    /// Parses an effect table/object as produced by Lua or JSON callers.
    public static func parse(_ json: JSONValue, scenario: String) throws -> Effect {
        guard case .object(let o) = json else {
            throw SyslabError.typeMismatch("scenario '\(scenario)' returned an effect that is not an object (\(json.typeName))")
        }
        guard let kindName = o["kind"]?.stringValue else {
            throw SyslabError.invalidArgument("scenario '\(scenario)' returned an effect without a string 'kind'")
        }
        guard let kind = EffectKind(name: kindName) else {
            let known = EffectKind.allCases.map(\.name).joined(separator: ", ")
            throw SyslabError.invalidArgument("scenario '\(scenario)' returned unknown effect kind '\(kindName)' (known: \(known))")
        }
        func number(_ key: String) throws -> Double {
            guard let v = o[key] else { return 0 }
            guard let n = v.doubleValue, n.isFinite else {
                throw SyslabError.typeMismatch("effect field '\(key)' from scenario '\(scenario)' must be a finite number, got \(v.typeName)")
            }
            return n
        }
        for key in o.keys where !["kind", "seconds", "status", "amount"].contains(key) {
            throw SyslabError.invalidArgument("effect from scenario '\(scenario)' has unknown field '\(key)' (expected kind, seconds, status, amount)")
        }
        return Effect(kind: kind, seconds: try number("seconds"), status: Int(try number("status")), amount: try number("amount"))
    }
}
