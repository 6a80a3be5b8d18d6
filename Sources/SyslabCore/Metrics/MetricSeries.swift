import Synchronization

/// One time series of a family: a counter or gauge value, or a histogram's
/// bucket counts, sum and count. Thread-safe; updates never allocate.
/// Counter and gauge values are a lock-free atomic (the bits of a Double);
/// histograms update several numbers together under a lock.
public final class MetricSeries: @unchecked Sendable {
    public let labels: LabelValues
    private let lock = Lock()
    private let upperBounds: [Double]
    private let valueBits = Atomic<UInt64>(0)
    // Only touched under `lock`, so the runtime's exclusivity checks are redundant.
    /// Per-bucket (not cumulative) counts; the last slot is the +Inf overflow.
    @exclusivity(unchecked) private var bucketCounts: [UInt64]
    @exclusivity(unchecked) private var sum = 0.0
    @exclusivity(unchecked) private var count: UInt64 = 0

    init(labels: LabelValues, buckets: [Double]) {
        self.labels = labels
        self.upperBounds = buckets
        self.bucketCounts = buckets.isEmpty ? [] : Array(repeating: 0, count: buckets.count + 1)
    }

    /// Adds to a counter or gauge.
    public func add(_ delta: Double) {
        var current = valueBits.load(ordering: .relaxed)
        while true {
            let next = (Double(bitPattern: current) + delta).bitPattern
            let (exchanged, original) = valueBits.compareExchange(expected: current, desired: next, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }

    /// Sets a gauge.
    public func set(_ newValue: Double) { valueBits.store(newValue.bitPattern, ordering: .relaxed) }

    /// Records one histogram observation.
    public func observe(_ sample: Double) {
        var index = 0
        while index < upperBounds.count, sample > upperBounds[index] { index += 1 }
        lock.withLock {
            bucketCounts[index] &+= 1
            sum += sample
            count &+= 1
        }
    }

    /// The current counter or gauge value.
    public var currentValue: Double { Double(bitPattern: valueBits.load(ordering: .relaxed)) }

    /// A consistent copy of a histogram: cumulative counts per upper bound
    /// (the last for +Inf), the sum and the count.
    public var histogram: (cumulative: [UInt64], sum: Double, count: UInt64) {
        let (counts, s, c) = lock.withLock { (bucketCounts, sum, count) }
        var running: UInt64 = 0
        return (counts.map { running &+= $0; return running }, s, c)
    }
}
