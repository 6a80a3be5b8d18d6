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

    /// The latest time a manual clock may show: 9999-12-31T23:59:59Z. Past
    /// it (or at infinity) expiry times and status JSON stop meaning anything.
    public static let latest = 253_402_300_799.0

    /// Moves the clock forward; refuses (and stays put) when `seconds` is
    /// negative or not finite, or would carry the clock past `latest`.
    public func advance(by seconds: Double) throws {
        guard seconds.isFinite, seconds >= 0 else {
            throw SyslabError.outOfRange("seconds must be finite and >= 0, got \(seconds)")
        }
        try lock.withLock {
            guard current + seconds <= ManualClock.latest else {
                throw SyslabError.outOfRange("advancing the manual clock by \(seconds) s would carry it past 9999-12-31T23:59:59Z (\(JSONValue.format(number: ManualClock.latest)) Unix seconds); it stays at \(JSONValue.format(number: current))")
            }
            current += seconds
        }
    }

    public func set(_ seconds: Double) { lock.withLock { current = seconds } }
}
