import SyslabCore

/// A circuit breaker on one edge. Closed: calls pass and outcomes fill a
/// rolling window; when at least `minimumCalls` of the last `window` calls
/// were seen and the failure ratio reaches `failureRatio`, it opens. Open:
/// calls fail fast for `openFor` seconds. Half-open: `probes` trial calls
/// pass; all succeeding closes it, any failure opens it again.
public struct CircuitBreakerConfig: Sendable, Equatable {
    public var failureRatio: Double
    public var window: Int
    public var minimumCalls: Int
    public var openFor: Double
    public var probes: Int

    public init(failureRatio: Double = 0.5, window: Int = 20, minimumCalls: Int = 10, openFor: Double = 5, probes: Int = 3) {
        self.failureRatio = failureRatio; self.window = window; self.minimumCalls = minimumCalls
        self.openFor = openFor; self.probes = probes
    }

    public static func parse(_ json: JSONValue, path: String) throws -> CircuitBreakerConfig {
        if case .bool(true) = json { return CircuitBreakerConfig() }
        let o = try ConfigObject(json, path: path)
        try o.allowOnly(["failure_ratio", "window", "minimum_calls", "open_for", "probes"])
        let window = try o.integer("window", default: 20, in: 1...100_000)
        let c = CircuitBreakerConfig(
            failureRatio: try o.number("failure_ratio", default: 0.5, in: 0.001...1),
            window: window,
            minimumCalls: try o.integer("minimum_calls", default: min(10, window), in: 1...window),
            openFor: try o.duration("open_for", default: 5, in: 0.001...86_400),
            probes: try o.integer("probes", default: 3, in: 1...10_000))
        return c
    }

    public var json: JSONValue {
        ["failure_ratio": .number(failureRatio), "window": .number(Double(window)), "minimum_calls": .number(Double(minimumCalls)),
         "open_for": .number(openFor), "probes": .number(Double(probes))]
    }
}

public struct CircuitBreaker {
    public enum State: String { case closed, open, halfOpen = "half-open" }

    public let config: CircuitBreakerConfig
    public private(set) var state = State.closed
    private var outcomes: [Bool]          // ring buffer, true = failure
    private var next = 0
    private var seen = 0
    private var failures = 0
    private var openedAt = 0.0
    private var probesStarted = 0
    private var probesSucceeded = 0

    public var rejected = 0
    public var opened = 0
    /// Seconds spent open, for the summary.
    public var openTime = 0.0

    public init(_ config: CircuitBreakerConfig) {
        self.config = config
        self.outcomes = Array(repeating: false, count: config.window)
    }

    /// Whether a call may go through now.
    public mutating func allow(at now: Double) -> Bool {
        switch state {
        case .closed:
            return true
        case .open:
            guard now - openedAt >= config.openFor else { rejected += 1; return false }
            openTime += now - openedAt
            state = .halfOpen
            probesStarted = 0; probesSucceeded = 0
            fallthrough
        case .halfOpen:
            guard probesStarted < config.probes else { rejected += 1; return false }
            probesStarted += 1
            return true
        }
    }

    public mutating func record(failure: Bool, at now: Double) {
        switch state {
        case .closed:
            if seen == config.window, outcomes[next] { failures -= 1 }
            outcomes[next] = failure
            if failure { failures += 1 }
            next = (next + 1) % config.window
            seen = min(seen + 1, config.window)
            if seen >= config.minimumCalls, Double(failures) >= config.failureRatio * Double(seen) { open(at: now) }
        case .halfOpen:
            if failure { open(at: now); return }
            probesSucceeded += 1
            if probesSucceeded >= config.probes {
                state = .closed
                seen = 0; failures = 0; next = 0
            }
        case .open:
            break   // a call admitted before opening finished; nothing to learn
        }
    }

    private mutating func open(at now: Double) {
        state = .open
        openedAt = now
        opened += 1
    }

    /// Closes the books at the end of a run.
    public mutating func finish(at now: Double) {
        if state == .open { openTime += now - openedAt; openedAt = now }
    }
}
