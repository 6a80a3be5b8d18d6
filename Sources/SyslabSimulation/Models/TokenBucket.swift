import SyslabCore

/// A token-bucket rate limiter: `rate` tokens per second refill a bucket of
/// `burst`; each request takes one or is rejected with 429.
public struct TokenBucketConfig: Sendable, Equatable {
    public var rate: Double
    public var burst: Double

    public init(rate: Double, burst: Double) { self.rate = rate; self.burst = burst }

    public static func parse(_ json: JSONValue, path: String) throws -> TokenBucketConfig {
        let o = try ConfigObject(json, path: path)
        try o.allowOnly(["rate", "burst"])
        let rate = try o.requiredNumber("rate", in: 1e-6...1e12)
        return TokenBucketConfig(rate: rate, burst: try o.number("burst", default: max(1, rate / 10), in: 1...1e12))
    }

    public var json: JSONValue { ["rate": .number(rate), "burst": .number(burst)] }
}

public struct TokenBucket {
    public let config: TokenBucketConfig
    private var tokens: Double
    private var last: Double = 0
    public var limited = 0

    public init(_ config: TokenBucketConfig) {
        self.config = config
        self.tokens = config.burst
    }

    @inline(__always)
    public mutating func tryTake(at now: Double) -> Bool {
        tokens = min(config.burst, tokens + (now - last) * config.rate)
        last = now
        guard tokens >= 1 else { limited += 1; return false }
        tokens -= 1
        return true
    }
}
