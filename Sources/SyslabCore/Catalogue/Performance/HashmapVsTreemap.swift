/// Looking keys up in a hash map versus an ordered map.
enum HashmapVsTreemap {
    static let scenario = Scenario(
        name: "hashmap-vs-treemap", category: "performance",
        summary: "When enabled, builds a Dictionary (hash map) and an ordered map (sorted keys, binary-searched, as a B-tree or red-black tree is) of n entries, measures seeded lookups in both, and each request burns the ordered map's cost of lookups_per_request lookups.",
        notes: LearningNotes(
            whatHappens: "A hash map answers a lookup in O(1) expected time; an ordered map needs O(log n) comparisons, each a likely cache miss once the map outgrows the CPU caches. Ordered maps buy range scans and sorted iteration with that cost.",
            howToObserve: "benchmark_operation_seconds{variant=\"hashmap\"} stays nearly flat as n grows while {variant=\"treemap\"} grows with log n; benchmark_slowdown_ratio shows the gap; cpu_injected_seconds_total adds the ordered map's cost per request.",
            howToMitigate: "Use a hash map for point lookups and an ordered map only where order or ranges are needed; keep hot maps small enough to stay in cache."),
        parameters: [
            .integer("n", default: 100_000, min: 2, max: 2_000_000, help: "Entries in each map."),
            .integer("lookups_per_request", default: 1_000, min: 1, max: 1_000_000, help: "Lookups one request performs."),
        ],
        metrics: [Benchmark.operationSeconds, Benchmark.slowdownRatio, DomainMetrics.cpuInjected],
        effectKinds: [.cpuBurn],
        compile: { activation in
            let p = activation.parameters
            let (hash, tree) = measure(n: p.int("n"))
            Benchmark.publish(activation, variant: "hashmap", seconds: hash)
            Benchmark.publish(activation, variant: "treemap", seconds: tree)
            Benchmark.publishRatio(activation, slow: tree, fast: hash)
            return try MeasuredCostProgram(activation, seconds: tree * Double(p.int("lookups_per_request")))
        }
    )

    /// Seconds per lookup (hash map, ordered map) with `n` entries.
    static func measure(n: Int) -> (hashmap: Double, treemap: Double) {
        let keys = Benchmark.sortedKeys(n)
        var hashmap = [Int: Int](minimumCapacity: n)
        for (index, key) in keys.enumerated() { hashmap[key] = index }
        let values = Array(keys.indices)
        let probes = Benchmark.probes(256, size: n, seed: 0x7EE)
        // Plain loops, so that the lookups themselves, not the loop around them, are what is timed.
        let hash = Benchmark.seconds { zero in
            var sum = 0
            for probe in probes { sum &+= hashmap[probe &+ zero] ?? -1 }
            return sum
        } / Double(probes.count)
        let tree = Benchmark.seconds { zero in
            var sum = 0
            for probe in probes { sum &+= BinarySearchVsLinear.binarySearch(keys, probe &+ zero).map { values[$0] } ?? -1 }
            return sum
        } / Double(probes.count)
        return (hash, tree)
    }
}
