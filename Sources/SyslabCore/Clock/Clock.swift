import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// The source of "now" for expiry. The registry never reads the wall clock
/// directly, so tests drive time with `ManualClock`.
public protocol Clock: AnyObject, Sendable {
    /// Seconds since the Unix epoch.
    func now() -> Double
}

/// Wall-clock time (CLOCK_REALTIME), so expiry instants are meaningful to users.
public final class SystemClock: Clock, @unchecked Sendable {
    public init() {}
    public func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

/// A clock that only moves when told to; thread-safe.
public final class ManualClock: Clock, @unchecked Sendable {
    private let lock = Lock()
    private var current: Double

    public init(start: Double = 1_700_000_000) { current = start }

    public func now() -> Double { lock.withLock { current } }

    public func advance(by seconds: Double) { lock.withLock { current += seconds } }

    public func set(_ seconds: Double) { lock.withLock { current = seconds } }
}
