import Synchronization

/// One time series of a family: a counter's or gauge's value, or a
/// histogram's bucket counts, sum and count. Thread-safe; updates never
/// allocate and never lock.
///
/// Counters and histograms are sharded (`ThreadShard`): each thread adds to
/// its own cache-line-aligned cells and reading sums the shards, so
/// concurrent decisions never write a line another thread writes. A gauge is
/// one atomic value (a gauge is *set*, so shards could not be summed), and
/// setting it to the value it already holds writes nothing.
public final class MetricSeries: @unchecked Sendable {
    public let labels: LabelValues
    public let kind: MetricSpec.Kind
    private let upperBounds: [Double]
    /// Gauge value (the bits of a Double).
    private let gaugeBits = Atomic<UInt64>(0)
    /// `ThreadShard.count` shards of `stride` cells. Counter: cell 0 holds the
    /// Double bits of its value. Histogram: cells 0...buckets are per-bucket
    /// (not cumulative) counts, the last of them +Inf; then the count, then
    /// the Double bits of the sum.
    private let cells: UnsafeMutablePointer<Atomic<UInt64>>
    private let stride: Int
    private let cellsPerShard: Int

    /// Cells per shard rounded up to 128 bytes, so shards never share a cache
    /// line (nor the adjacent line that x86 prefetches in pairs).
    private static let lineCells = 16

    init(labels: LabelValues, kind: MetricSpec.Kind, buckets: [Double]) {
        self.labels = labels
        self.kind = kind
        self.upperBounds = kind == .histogram ? buckets : []
        switch kind {
        case .counter: cellsPerShard = 1
        case .gauge: cellsPerShard = 0
        case .histogram: cellsPerShard = upperBounds.count + 3
        }
        stride = (cellsPerShard + Self.lineCells - 1) / Self.lineCells * Self.lineCells
        let total = stride * ThreadShard.count
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: max(total, 1) * MemoryLayout<UInt64>.stride, alignment: Self.lineCells * MemoryLayout<UInt64>.stride)
        cells = raw.bindMemory(to: Atomic<UInt64>.self, capacity: max(total, 1))
        for i in 0..<max(total, 1) { (cells + i).initialize(to: Atomic(0)) }
    }

    deinit {
        cells.deinitialize(count: max(stride * ThreadShard.count, 1))
        UnsafeMutableRawPointer(cells).deallocate()
    }

    /// Adds to a counter (the calling thread's shard) or a gauge.
    public func add(_ delta: Double) { add(delta, shard: ThreadShard.current) }

    /// Like `add(_:)`, given the calling thread's `ThreadShard.current`
    /// (decisions carry it, saving a thread-local lookup per update).
    @inline(__always)
    public func add(_ delta: Double, shard: Int) {
        if kind == .gauge {
            addDouble(gaugeBits, delta, exclusive: false)
            return
        }
        addDouble(cells[shard * stride], delta, exclusive: shard != ThreadShard.overflow)
    }

    /// Sets a gauge (a no-op write when the value is unchanged).
    public func set(_ newValue: Double) {
        let bits = newValue.bitPattern
        if gaugeBits.load(ordering: .relaxed) != bits { gaugeBits.store(bits, ordering: .relaxed) }
    }

    /// Records one histogram observation in the calling thread's shard.
    public func observe(_ sample: Double) { observe(sample, shard: ThreadShard.current) }

    /// Like `observe(_:)`, given the calling thread's `ThreadShard.current`.
    @inline(__always)
    public func observe(_ sample: Double, shard: Int) { observe(sample, bucket: bucket(of: sample), shard: shard) }

    /// The bucket `sample` falls in: a value observed every time (a fixed
    /// delay) can have it computed once.
    public func bucket(of sample: Double) -> Int {
        var index = 0
        while index < upperBounds.count, sample > upperBounds[index] { index += 1 }
        return index
    }

    /// Records `sample`, whose bucket is `index` (from `bucket(of:)`).
    public func observe(_ sample: Double, bucket index: Int, shard: Int) {
        let base = cells + shard * stride
        let buckets = upperBounds.count + 1
        if shard != ThreadShard.overflow {
            // Only this thread writes this shard: plain (relaxed) load and store.
            base[index].store(base[index].load(ordering: .relaxed) &+ 1, ordering: .relaxed)
            base[buckets].store(base[buckets].load(ordering: .relaxed) &+ 1, ordering: .relaxed)
            addDouble(base[buckets + 1], sample, exclusive: true)
        } else {
            base[index].wrappingAdd(1, ordering: .relaxed)
            base[buckets].wrappingAdd(1, ordering: .relaxed)
            addDouble(base[buckets + 1], sample, exclusive: false)
        }
    }

    /// The current counter or gauge value (counters: the sum of the shards).
    public var currentValue: Double {
        if kind == .gauge { return Double(bitPattern: gaugeBits.load(ordering: .relaxed)) }
        guard kind == .counter else { return 0 }
        var total = 0.0
        for shard in 0..<ThreadShard.count { total += Double(bitPattern: cells[shard * stride].load(ordering: .relaxed)) }
        return total
    }

    /// A histogram summed over the shards: cumulative counts per upper bound
    /// (the last for +Inf), the sum and the count. Updates that race with the
    /// read may be partly included, as with any scrape.
    public var histogram: (cumulative: [UInt64], sum: Double, count: UInt64) {
        let buckets = upperBounds.count + 1
        var counts = [UInt64](repeating: 0, count: buckets)
        var sum = 0.0
        var count: UInt64 = 0
        for shard in 0..<ThreadShard.count {
            let base = cells + shard * stride
            for i in 0..<buckets { counts[i] &+= base[i].load(ordering: .relaxed) }
            count &+= base[buckets].load(ordering: .relaxed)
            sum += Double(bitPattern: base[buckets + 1].load(ordering: .relaxed))
        }
        var running: UInt64 = 0
        return (counts.map { running &+= $0; return running }, sum, count)
    }

    @inline(__always)
    private func addDouble(_ cell: borrowing Atomic<UInt64>, _ delta: Double, exclusive: Bool) {
        var current = cell.load(ordering: .relaxed)
        if exclusive {
            cell.store((Double(bitPattern: current) + delta).bitPattern, ordering: .relaxed)
            return
        }
        while true {
            let next = (Double(bitPattern: current) + delta).bitPattern
            let (exchanged, original) = cell.compareExchange(expected: current, desired: next, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }
}
