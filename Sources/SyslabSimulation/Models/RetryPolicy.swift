import SyslabCore

/// How a caller retries a failed call: up to `retries` extra attempts,
/// waiting `backoff` × `multiplier`^(attempt-1) (capped at `maxBackoff`)
/// with optional jitter, and only while the retry budget allows. Retries
/// without jitter or budget are how one slow dependency turns into a retry
/// storm.
public struct RetryPolicy: Sendable, Equatable {
    public enum Jitter: String, Sendable, CaseIterable {
        /// Exactly the backoff: callers that failed together retry together.
        case none
        /// Uniform in [0, backoff] (AWS "full jitter").
        case full
        /// backoff/2 plus uniform in [0, backoff/2].
        case equal
    }

    public var retries: Int
    public var backoff: Double
    public var multiplier: Double
    public var maxBackoff: Double
    public var jitter: Jitter
    /// Retries allowed per original call (e.g. 0.1 = at most 10% extra load); nil = unlimited.
    public var budgetRatio: Double?
    /// Also retry 429 and rejected-when-full responses (usually a mistake without Retry-After).
    public var retryOnThrottle: Bool

    public init(retries: Int = 0, backoff: Double = 0.1, multiplier: Double = 2, maxBackoff: Double = 10,
                jitter: Jitter = .none, budgetRatio: Double? = nil, retryOnThrottle: Bool = true) {
        self.retries = retries; self.backoff = backoff; self.multiplier = multiplier; self.maxBackoff = maxBackoff
        self.jitter = jitter; self.budgetRatio = budgetRatio; self.retryOnThrottle = retryOnThrottle
    }

    /// Reads `{retries=, backoff=, multiplier=, max_backoff=, jitter=, budget=, retry_on_throttle=}` over `base`.
    public static func parse(_ json: JSONValue, base: RetryPolicy, path: String) throws -> RetryPolicy {
        let o = try ConfigObject(json, path: path)
        try o.allowOnly(["retries", "backoff", "multiplier", "max_backoff", "jitter", "budget", "retry_on_throttle"])
        var p = base
        p.retries = try o.integer("retries", default: base.retries, in: 0...100)
        p.backoff = try o.duration("backoff", default: base.backoff, in: 0...3600)
        p.multiplier = try o.number("multiplier", default: base.multiplier, in: 1...100)
        p.maxBackoff = try o.duration("max_backoff", default: base.maxBackoff, in: 0...86_400)
        p.jitter = Jitter(rawValue: try o.choice("jitter", Jitter.allCases.map(\.rawValue), default: base.jitter.rawValue))!
        if o.has("budget") { p.budgetRatio = try o.requiredNumber("budget", in: 0...100) }
        p.retryOnThrottle = try o.bool("retry_on_throttle", default: base.retryOnThrottle)
        return p
    }

    /// The wait before attempt `attempt` (2 = the first retry).
    @inline(__always)
    public func delay(beforeAttempt attempt: Int, _ rng: inout SeededGenerator) -> Double {
        var d = backoff
        if attempt > 2 { for _ in 2..<attempt { d *= multiplier } }
        d = min(d, maxBackoff)
        switch jitter {
        case .none: return d
        case .full: return d * rng.nextUnit()
        case .equal: return d / 2 + d / 2 * rng.nextUnit()
        }
    }

    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "retries": .number(Double(retries)), "backoff": .number(backoff), "multiplier": .number(multiplier),
            "max_backoff": .number(maxBackoff), "jitter": .string(jitter.rawValue), "retry_on_throttle": .bool(retryOnThrottle),
        ]
        o["budget"] = budgetRatio.map { .number($0) } ?? .null
        return .object(o)
    }
}

/// A retry budget in the style of Finagle's: each original call deposits
/// `ratio` tokens (the balance is capped), each retry withdraws one. When the
/// dependency is failing everywhere, retries stop adding load.
public struct RetryBudget {
    public let ratio: Double?
    private var balance: Double
    private let cap: Double
    public var denied = 0

    public init(ratio: Double?) {
        self.ratio = ratio
        self.cap = max(10, (ratio ?? 0) * 100)
        self.balance = cap
    }

    @inline(__always)
    public mutating func deposit() {
        if let ratio { balance = min(cap, balance + ratio) }
    }

    @inline(__always)
    public mutating func tryWithdraw() -> Bool {
        guard ratio != nil else { return true }
        guard balance >= 1 else { denied += 1; return false }
        balance -= 1
        return true
    }
}
