import FoundationEssentials
import Synchronization
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
    public func now() -> Double { SystemClock.read() }

    /// The reading itself, callable without an instance (see `ClockReader`).
    @inline(__always)
    static func read() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

/// A clock that only moves when told to; thread-safe. Reading it is one
/// atomic load, so deciding threads never write its cache line.
public final class ManualClock: Clock, @unchecked Sendable {
    /// The bits of the current time (a Double).
    private let current: Atomic<UInt64>

    public init(start: Double = 1_700_000_000) { current = Atomic(start.bitPattern) }

    public func now() -> Double { Double(bitPattern: current.load(ordering: .acquiring)) }

    /// The latest time a manual clock may show: 9999-12-31T23:59:59Z. Past
    /// it (or at infinity) expiry times and status JSON stop meaning anything.
    public static let latest = 253_402_300_799.0

    /// Moves the clock forward; refuses (and stays put) when `seconds` is
    /// negative or not finite, or would carry the clock past `latest`.
    public func advance(by seconds: Double) throws {
        guard seconds.isFinite, seconds >= 0 else {
            throw SyslabError.outOfRange("seconds must be finite and >= 0, got \(seconds)")
        }
        var seen = current.load(ordering: .relaxed)
        while true {
            let now = Double(bitPattern: seen)
            guard now + seconds <= ManualClock.latest else {
                throw SyslabError.outOfRange("advancing the manual clock by \(seconds) s would carry it past 9999-12-31T23:59:59Z (\(JSONValue.format(number: ManualClock.latest)) Unix seconds); it stays at \(JSONValue.format(number: now))")
            }
            let (exchanged, original) = current.compareExchange(
                expected: seen, desired: (now + seconds).bitPattern, ordering: .acquiringAndReleasing)
            if exchanged { return }
            seen = original
        }
    }

    public func set(_ seconds: Double) { current.store(seconds.bitPattern, ordering: .releasing) }
}

/// How the decision hot path reads a registry's clock without retaining it:
/// calling through the `Clock` existential retains the (shared) clock object
/// on every call. The two clocks of the library are read directly; any other
/// clock is called through the protocol.
enum ClockReader {
    case system
    case manual(Unmanaged<ManualClock>)
    case other(Clock)

    /// `clock` must outlive the reader (the registry holds both).
    init(_ clock: Clock) {
        if clock is SystemClock {
            self = .system
        } else if let manual = clock as? ManualClock {
            self = .manual(Unmanaged.passUnretained(manual))
        } else {
            self = .other(clock)
        }
    }

    @inline(__always)
    func now() -> Double {
        switch self {
        case .system: return SystemClock.read()
        case .manual(let clock): return clock._withUnsafeGuaranteedRef { $0.now() }
        case .other(let clock): return clock.now()
        }
    }
}
