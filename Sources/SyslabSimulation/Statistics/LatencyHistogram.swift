import SyslabCore
import Histogram

/// Streaming latency percentiles in constant memory: an HdrHistogram of
/// nanoseconds covering 1 ns to 1 hour (longer values are clamped to the top
/// and counted). Three significant digits (0.1% relative error, ~270 KB) by
/// default; two (1%, ~36 KB) for the many small per-second and per-component
/// histograms.
public struct LatencyHistogram: Sendable {
    public static let highestNanoseconds: UInt64 = 3_600_000_000_000

    private var histogram: Histogram<UInt64>
    /// Exact running sum, so the mean does not carry the histogram's rounding.
    public private(set) var sum: Double = 0
    public private(set) var count: Int = 0
    public private(set) var maximum: Double = 0
    public private(set) var clamped: Int = 0

    public init(significantDigits: Int = 3) {
        histogram = Histogram<UInt64>(
            lowestDiscernibleValue: 1, highestTrackableValue: Self.highestNanoseconds,
            numberOfSignificantValueDigits: significantDigits <= 2 ? .two : .three)
    }

    /// Forgets every value, keeping the memory.
    public mutating func reset() {
        histogram.reset()
        sum = 0; count = 0; maximum = 0; clamped = 0
    }

    /// Records a duration in seconds (negative values count as zero).
    @inline(__always)
    public mutating func record(_ seconds: Double) {
        let s = seconds > 0 ? seconds : 0
        sum += s
        count += 1
        if s > maximum { maximum = s }
        var ns = s * 1e9
        if ns > Double(Self.highestNanoseconds) { ns = Double(Self.highestNanoseconds); clamped += 1 }
        _ = histogram.record(ns.saturatingUInt64)
    }

    public mutating func add(_ other: LatencyHistogram) {
        histogram.add(other.histogram)
        sum += other.sum
        count += other.count
        maximum = max(maximum, other.maximum)
        clamped += other.clamped
    }

    public var mean: Double { count == 0 ? 0 : sum / Double(count) }

    /// Standard deviation in seconds (from the histogram, so within its precision).
    public var standardDeviation: Double { count == 0 ? 0 : histogram.stdDeviation / 1e9 }

    /// The value at `percentile` (0...100) in seconds; 0 when empty.
    public func percentile(_ percentile: Double) -> Double {
        guard count > 0 else { return 0 }
        if percentile >= 100 { return maximum }
        return Double(histogram.valueAtPercentile(percentile)) / 1e9
    }

    /// The fraction of recorded values at or below `seconds`.
    public func fraction(atOrBelow seconds: Double) -> Double {
        guard count > 0 else { return 0 }
        let ns = max(0, min(seconds * 1e9, Double(Self.highestNanoseconds)))
        return histogram.percentileAtOrBelowValue(UInt64(ns)) / 100
    }
}
