/// Looking keys up in a sorted array by scanning it versus halving it.
enum BinarySearchVsLinear {
    static let scenario = Scenario(
        name: "binary-search-vs-linear", category: "performance",
        summary: "When enabled, looks up seeded keys in a sorted array of n integers with the standard library's linear search (firstIndex(of:)) and with a binary search, and measures both; each request then burns the linear cost of lookups_per_request lookups.",
        notes: LearningNotes(
            whatHappens: "A linear scan does about n/2 comparisons per hit and n per miss; binary search does about log2(n). At n = 1,000 the gap is tens of times, at n = 1,000,000 tens of thousands: the ratio grows like n / log n.",
            howToObserve: "benchmark_operation_seconds{variant=\"linear\"} and {variant=\"binary\"} give the measured seconds per lookup; benchmark_slowdown_ratio grows with n; cpu_injected_seconds_total rises by the linear cost per request.",
            howToMitigate: "Keep lookup data sorted and search it with a binary search (or index it in a hash map or B-tree); avoid contains/firstIndex inside loops over large arrays."),
        parameters: [
            .integer("n", default: 10_000, min: 2, max: 1_000_000, help: "Elements in the sorted array."),
            .integer("lookups_per_request", default: 100, min: 1, max: 100_000, help: "Lookups one request performs."),
        ],
        metrics: [Benchmark.operationSeconds, Benchmark.slowdownRatio, DomainMetrics.cpuInjected],
        effectKinds: [.cpuBurn],
        compile: { activation in
            let p = activation.parameters
            let (linear, binary) = measure(n: p.int("n"))
            Benchmark.publish(activation, variant: "linear", seconds: linear)
            Benchmark.publish(activation, variant: "binary", seconds: binary)
            Benchmark.publishRatio(activation, slow: linear, fast: binary)
            return try MeasuredCostProgram(activation, seconds: linear * Double(p.int("lookups_per_request")))
        }
    )

    /// Seconds per lookup (linear, binary) over a sorted array of `n` keys.
    static func measure(n: Int) -> (linear: Double, binary: Double) {
        let keys = Benchmark.sortedKeys(n)
        let probes = Benchmark.probes(64, size: n, seed: 0xB15EC7)
        let linear = Benchmark.seconds { zero in
            probes.reduce(0) { $0 &+ (keys.firstIndex(of: $1 &+ zero) ?? -1) }
        } / Double(probes.count)
        let binary = Benchmark.seconds { zero in
            probes.reduce(0) { $0 &+ (binarySearch(keys, $1 &+ zero) ?? -1) }
        } / Double(probes.count)
        return (linear, binary)
    }

    /// The index of `key` in the ascending `keys`, or nil.
    static func binarySearch(_ keys: [Int], _ key: Int) -> Int? {
        var low = 0, high = keys.count
        while low < high {
            let middle = low + (high - low) / 2
            if keys[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low < keys.count && keys[low] == key ? low : nil
    }
}
