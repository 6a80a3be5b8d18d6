import DequeModule
import SyslabCore

/// A client-side connection pool for one edge: at most `size` calls through
/// the edge at once; the rest wait in FIFO order for up to `waitTimeout`,
/// then fail. Pool wait is the classic early symptom of a slow dependency.
public struct ConnectionPoolConfig: Sendable, Equatable {
    public var size: Int
    public var waitTimeout: Double

    public init(size: Int, waitTimeout: Double = 1) { self.size = size; self.waitTimeout = waitTimeout }

    public static func parse(_ json: JSONValue, path: String) throws -> ConnectionPoolConfig {
        if case .number = json {
            let o = try ConfigObject(["size": json], path: path)
            return ConnectionPoolConfig(size: try o.requiredInteger("size", in: 1...1_000_000))
        }
        let o = try ConfigObject(json, path: path)
        try o.allowOnly(["size", "wait_timeout"])
        return ConnectionPoolConfig(
            size: try o.requiredInteger("size", in: 1...1_000_000),
            waitTimeout: try o.duration("wait_timeout", default: 1, in: 0...3600))
    }

    public var json: JSONValue { ["size": .number(Double(size)), "wait_timeout": .number(waitTimeout)] }
}

public struct ConnectionPool {
    public let config: ConnectionPoolConfig
    public private(set) var inUse = 0
    /// Exchanges waiting for a connection, with the time they started waiting.
    public private(set) var waiters = Deque<(exchange: Int32, since: Double)>()
    public private(set) var effectiveSize: Int

    public var inUseTime = TimeAverage()
    public var wait = LatencyHistogram(significantDigits: 2)
    public var timeouts = 0

    public init(_ config: ConnectionPoolConfig) {
        self.config = config
        self.effectiveSize = config.size
    }

    /// True when a connection was free and is now taken; false means wait.
    @inline(__always)
    public mutating func tryAcquire(at now: Double) -> Bool {
        guard inUse < effectiveSize, waiters.isEmpty else { return false }
        inUse += 1
        inUseTime.set(Double(inUse), at: now)
        wait.record(0)
        return true
    }

    public mutating func enqueue(_ exchange: Int32, at now: Double) {
        waiters.append((exchange, now))
    }

    /// Returns a connection; the exchanges that may now proceed (each holding a
    /// connection) are handed back with how long they waited.
    public mutating func release(at now: Double) -> [(exchange: Int32, waited: Double)] {
        inUse -= 1
        return grant(at: now)
    }

    /// Capacity effects scale the pool (at least one connection stays).
    public mutating func setCapacityFactor(_ factor: Double, at now: Double) -> [(exchange: Int32, waited: Double)] {
        let size = max(1, (Double(config.size) * factor).saturatingInt)
        guard size != effectiveSize else { return [] }
        effectiveSize = size
        return grant(at: now)
    }

    private mutating func grant(at now: Double) -> [(exchange: Int32, waited: Double)] {
        var granted: [(exchange: Int32, waited: Double)] = []
        while inUse < effectiveSize, let next = waiters.popFirst() {
            inUse += 1
            wait.record(now - next.since)
            granted.append((next.exchange, now - next.since))
        }
        inUseTime.set(Double(inUse), at: now)
        return granted
    }

    /// The waiter gave up (wait timeout or its caller's deadline). Returns how
    /// long it waited, or nil when it was no longer waiting.
    public mutating func abandon(_ exchange: Int32, at now: Double) -> Double? {
        guard let i = waiters.firstIndex(where: { $0.exchange == exchange }) else { return nil }
        let waited = now - waiters[i].since
        wait.record(waited)
        waiters.remove(at: i)
        return waited
    }
}
