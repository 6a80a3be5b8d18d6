/// One time series of a family: a counter or gauge value, or a histogram's
/// bucket counts, sum and count. Thread-safe; updates never allocate.
public final class MetricSeries: @unchecked Sendable {
    public let labels: LabelValues
    private let lock = Lock()
    private let upperBounds: [Double]
    private var value = 0.0
    /// Per-bucket (not cumulative) counts; the last slot is the +Inf overflow.
    private var bucketCounts: [UInt64]
    private var sum = 0.0
    private var count: UInt64 = 0

    init(labels: LabelValues, buckets: [Double]) {
        self.labels = labels
        self.upperBounds = buckets
        self.bucketCounts = buckets.isEmpty ? [] : Array(repeating: 0, count: buckets.count + 1)
    }

    /// Adds to a counter or gauge.
    public func add(_ delta: Double) { lock.withLock { value += delta } }

    /// Sets a gauge.
    public func set(_ newValue: Double) { lock.withLock { value = newValue } }

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
    public var currentValue: Double { lock.withLock { value } }

    /// A consistent copy of a histogram: cumulative counts per upper bound
    /// (the last for +Inf), the sum and the count.
    public var histogram: (cumulative: [UInt64], sum: Double, count: UInt64) {
        let (counts, s, c) = lock.withLock { (bucketCounts, sum, count) }
        var running: UInt64 = 0
        return (counts.map { running &+= $0; return running }, s, c)
    }
}
