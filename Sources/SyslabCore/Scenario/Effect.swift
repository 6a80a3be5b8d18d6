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
    /// Close the connection without a response, after `seconds` when non-zero;
    /// `status` is what to log (e.g. 499 for a client that went away).
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
    /// Fail writes as if the disk were full (ENOSPC); `status` is the HTTP status to answer (usually 507).
    case diskFull = 17
    /// The caller retries: `amount` extra attempts reach the serving component and
    /// the caller waits `seconds` longer (failed attempts plus backoff).
    case retry = 18
    /// Wait `seconds` for a pooled resource (connection, worker thread, disk queue) before proceeding.
    case queueWait = 19
    /// The request triggers `amount` extra asynchronous tasks (callbacks, events), each costing `seconds`.
    case fanout = 20
    /// Acknowledge the write but do not persist it (a lost update).
    case lostWrite = 21
    /// Deliver this event after `amount` later ones (out of order), holding it `seconds`.
    case reorder = 22
    /// A repeated read inside one transaction sees `amount` rows appear or vanish (a phantom).
    case inconsistentRead = 23
    /// Write the synthetic PII canary line numbered `amount` (`PIICanary.line`) to the host's log sink.
    case logCanary = 24
    /// Present this request without its credentials, then report the status answered.
    case stripCredentials = 25
    /// Put SQL-injection payload number `amount` (`AttackPayloads.sqlInjection`) in the request, then report the status answered.
    case injectionProbe = 26
    /// Present this state-changing request as a cross-site forgery of variant `amount` (1 no token,
    /// 2 forged token, 3 cross-site Origin), then report the status answered.
    case csrfProbe = 27
    /// Ask for an object that belongs to another principal (a canary record), then report the status answered.
    case foreignObjectProbe = 28

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
        case .retry: return "retry"
        case .queueWait: return "queue_wait"
        case .fanout: return "fanout"
        case .lostWrite: return "lost_write"
        case .reorder: return "reorder"
        case .inconsistentRead: return "inconsistent_read"
        case .logCanary: return "log_canary"
        case .stripCredentials: return "strip_credentials"
        case .injectionProbe: return "injection_probe"
        case .csrfProbe: return "csrf_probe"
        case .foreignObjectProbe: return "foreign_object_probe"
        }
    }

    public init?(name: String) {
        guard let kind = EffectKind.allCases.first(where: { $0.name == name }) else { return nil }
        self = kind
    }

    /// Kinds whose `amount` is a fraction in [0, 1].
    public var amountIsFraction: Bool { self == .truncate || self == .capacity }

    /// Kinds that need an HTTP status.
    public var needsStatus: Bool { self == .error || self == .throttle }

    /// Security probes: the host presents an attack-shaped request to its own
    /// defences and reports the status it answered (`ScenarioRegistry.recordResponse`).
    public var isSecurityProbe: Bool {
        self == .stripCredentials || self == .injectionProbe || self == .csrfProbe || self == .foreignObjectProbe
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
    public static func throttle(status: Int, retryAfter seconds: Double) -> Effect { Effect(kind: .throttle, seconds: seconds, status: status) }
    public static func timeout(seconds: Double) -> Effect { Effect(kind: .timeout, seconds: seconds) }
    public static func hang(seconds: Double) -> Effect { Effect(kind: .hang, seconds: seconds) }
    public static func drop(after seconds: Double = 0, status: Int = 0) -> Effect { Effect(kind: .drop, seconds: seconds, status: status) }
    public static func truncate(keeping fraction: Double) -> Effect { Effect(kind: .truncate, amount: fraction) }
    public static func bandwidth(bytesPerSecond: Double) -> Effect { Effect(kind: .bandwidth, amount: bytesPerSecond) }
    public static func extraQueries(_ count: Double, secondsEach: Double) -> Effect { Effect(kind: .extraQueries, seconds: secondsEach, amount: count) }
    public static func lockWait(seconds: Double) -> Effect { Effect(kind: .lockWait, seconds: seconds) }
    public static func capacity(fraction: Double) -> Effect { Effect(kind: .capacity, amount: fraction) }
    public static let cacheMiss = Effect(kind: .cacheMiss)
    public static func staleRead(seconds: Double) -> Effect { Effect(kind: .staleRead, seconds: seconds) }
    public static func clockOffset(seconds: Double) -> Effect { Effect(kind: .clockOffset, seconds: seconds) }
    public static func cpuBurn(seconds: Double) -> Effect { Effect(kind: .cpuBurn, seconds: seconds) }
    public static func memoryRetention(bytes: Double) -> Effect { Effect(kind: .memoryRetention, amount: bytes) }
    public static func diskFull(status: Int = 507) -> Effect { Effect(kind: .diskFull, status: status) }
    public static func retry(attempts: Double, seconds: Double) -> Effect { Effect(kind: .retry, seconds: seconds, amount: attempts) }
    public static func queueWait(seconds: Double) -> Effect { Effect(kind: .queueWait, seconds: seconds) }
    public static func fanout(tasks: Double, secondsEach: Double) -> Effect { Effect(kind: .fanout, seconds: secondsEach, amount: tasks) }
    public static let lostWrite = Effect(kind: .lostWrite)
    public static func reorder(positions: Double, holding seconds: Double) -> Effect { Effect(kind: .reorder, seconds: seconds, amount: positions) }
    public static func inconsistentRead(rows: Double) -> Effect { Effect(kind: .inconsistentRead, amount: rows) }
    public static func logCanary(serial: Double) -> Effect { Effect(kind: .logCanary, amount: serial) }
    public static let stripCredentials = Effect(kind: .stripCredentials)
    public static func injectionProbe(payload: Double) -> Effect { Effect(kind: .injectionProbe, amount: payload) }
    public static func csrfProbe(variant: Double) -> Effect { Effect(kind: .csrfProbe, amount: variant) }
    public static let foreignObjectProbe = Effect(kind: .foreignObjectProbe)

    /// Wall time this effect adds to the request it applies to (0 for effects
    /// that change data, capacity or clocks rather than time).
    public var addedSeconds: Double {
        switch kind {
        case .delay, .drop, .hang, .timeout, .lockWait, .cpuBurn, .retry, .queueWait, .reorder: return seconds
        case .extraQueries: return seconds * amount
        default: return 0
        }
    }

    /// Checks the magnitudes: finite numbers, non-negative durations (except a
    /// clock offset), fractions in [0, 1], an HTTP status where one is needed.
    public func validate(scenario: String) throws {
        let label = "effect '\(kind.name)' from scenario '\(scenario)'"
        guard seconds.isFinite, amount.isFinite else {
            throw SyslabError.outOfRange("\(label) must have finite seconds and amount")
        }
        if kind != .clockOffset, seconds < 0 {
            throw SyslabError.outOfRange("\(label) has negative seconds (\(JSONValue.format(number: seconds)))")
        }
        if amount < 0 || (kind.amountIsFraction && amount > 1) {
            throw SyslabError.outOfRange("\(label) has amount \(JSONValue.format(number: amount)); expected \(kind.amountIsFraction ? "a fraction in [0, 1]" : "a non-negative number")")
        }
        if kind.needsStatus, !(100...599).contains(status) {
            throw SyslabError.outOfRange("\(label) needs an HTTP status in [100, 599], got \(status)")
        }
        if status != 0, !(100...599).contains(status) {
            throw SyslabError.outOfRange("\(label) has status \(status); expected 0 or an HTTP status in [100, 599]")
        }
    }

    public var json: JSONValue {
        ["kind": .string(kind.name), "seconds": .number(seconds), "status": .number(Double(status)), "amount": .number(amount)]
    }

    /// The effect as a decision reports it: with the scenario that produced it.
    public func json(scenario: String) -> JSONValue {
        ["scenario": .string(scenario), "kind": .string(kind.name), "seconds": .number(seconds),
         "status": .number(Double(status)), "amount": .number(amount)]
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
        let status = try number("status")
        guard status == status.rounded(), abs(status) < 1_000_000 else {
            throw SyslabError.outOfRange("effect field 'status' from scenario '\(scenario)' must be an HTTP status code, got \(JSONValue.format(number: status))")
        }
        return Effect(kind: kind, seconds: try number("seconds"), status: Int(status), amount: try number("amount"))
    }
}
