#if canImport(Glibc)
import Glibc
#endif

/// One shared cache against an in-process cache in front of it.
enum CachingLayers {
    static let hitRatio = MetricSpec.gauge(
        "cache_layer_hit_ratio", "Share of lookups each cache layer answered in the measured key stream.",
        labels: ["scenario", "layout", "layer"])

    static let scenario = Scenario(
        name: "caching-layers", category: "performance",
        summary: "When enabled, replays a seeded Zipf-distributed stream of lookups over `keys` keys through real LRU caches: a single shared cache of l2_entries, and a two-tier layout with an in-process cache of l1_entries in front of it. Each request then gets the single-tier layout's latency: l2_ms on a shared-cache hit, l2_ms + origin_ms on a miss, drawn with the measured hit ratio.",
        notes: LearningNotes(
            whatHappens: "Popular keys dominate real traffic (Zipf). A small in-process cache absorbs the hottest keys without a network hop, so most requests never reach the shared cache, and the shared cache keeps the warm tail; each layer adds capacity where it is cheapest.",
            howToObserve: "cache_layer_hit_ratio{layout, layer} gives the measured hit ratios; benchmark_operation_seconds{variant=\"single_tier\"} and {variant=\"two_tier\"} the expected latency per lookup; cache_hit_total and cache_miss_total count the drawn outcomes.",
            howToMitigate: "Put a small in-process (L1) cache with a short TTL in front of the shared cache for hot keys, size each layer from measured hit ratios, and invalidate both layers on writes."),
        parameters: [
            .integer("keys", default: 100_000, min: 10, max: 5_000_000, help: "Distinct keys requested."),
            .number("zipf_exponent", default: 1, min: 0, max: 3, help: "Skew of key popularity (0 = uniform)."),
            .integer("l1_entries", default: 1_000, min: 1, max: 1_000_000, help: "Entries in the in-process cache."),
            .integer("l2_entries", default: 10_000, min: 1, max: 5_000_000, help: "Entries in the shared cache."),
            .number("l1_ms", default: 0.001, min: 0, max: 1_000, unit: "ms", help: "Latency of an in-process hit."),
            .number("l2_ms", default: 1, min: 0, max: 10_000, unit: "ms", help: "Latency of a shared-cache lookup."),
            .number("origin_ms", default: 20, min: 0, max: 60_000, unit: "ms", help: "Latency of the origin on a miss."),
        ],
        metrics: [Benchmark.operationSeconds, Benchmark.slowdownRatio, hitRatio, DomainMetrics.cacheHits, DomainMetrics.cacheMisses],
        effectKinds: [.delay, .cacheMiss],
        compile: { activation in
            let p = activation.parameters
            let m = measure(keys: p.int("keys"), exponent: p.double("zipf_exponent"),
                            l1: p.int("l1_entries"), l2: p.int("l2_entries"), lookups: lookups)
            let l1 = p.double("l1_ms") / 1000, l2 = p.double("l2_ms") / 1000, origin = p.double("origin_ms") / 1000
            let single = l2 + (1 - m.single) * origin
            let twoTier = l1 + (1 - m.l1) * (l2 + (1 - m.l2Behind) * origin)
            Benchmark.publish(activation, variant: "single_tier", seconds: single)
            Benchmark.publish(activation, variant: "two_tier", seconds: twoTier)
            Benchmark.publishRatio(activation, slow: max(single, twoTier), fast: min(single, twoTier))
            activation.publishOnInstall(hitRatio, LabelValues("single_tier", "l2"), m.single)
            activation.publishOnInstall(hitRatio, LabelValues("two_tier", "l1"), m.l1)
            activation.publishOnInstall(hitRatio, LabelValues("two_tier", "l2"), m.l2Behind)
            return try Program(activation, hitRatio: m.single, hitSeconds: l2, missSeconds: l2 + origin)
        }
    )

    /// Lookups replayed at enable.
    static let lookups = 200_000

    /// Hit ratios over a seeded stream: the single shared cache's, the L1's,
    /// and the share of L1 misses the L2 behind it answered.
    static func measure(keys: Int, exponent: Double, l1: Int, l2: Int, lookups: Int) -> (single: Double, l1: Double, l2Behind: Double) {
        // Popularity of key k is proportional to 1 / (k + 1)^exponent; draw by binary search in the CDF.
        var cdf = [Double](repeating: 0, count: keys)
        var total = 0.0
        for k in 0..<keys {
            total += 1 / pow(Double(k + 1), exponent)
            cdf[k] = total
        }
        var random = SeededGenerator(seed: 0xCAC4E)
        var single = LRUCache(capacity: l2), first = LRUCache(capacity: l1), second = LRUCache(capacity: l2)
        var singleHits = 0, firstHits = 0, secondHits = 0
        for _ in 0..<lookups {
            let u = random.nextUnit() * total
            var low = 0, high = keys - 1
            while low < high {
                let middle = (low + high) / 2
                if cdf[middle] < u { low = middle + 1 } else { high = middle }
            }
            if single.access(low) { singleHits += 1 }
            if first.access(low) { firstHits += 1 } else if second.access(low) { secondHits += 1 }
        }
        let n = Double(lookups)
        return (Double(singleHits) / n, Double(firstHits) / n, Double(secondHits) / max(1, n - Double(firstHits)))
    }

    /// A least-recently-used cache of integer keys: a hash map into a
    /// doubly linked list kept in arrays (no per-entry objects).
    struct LRUCache {
        let capacity: Int
        private var slotOf: [Int: Int] = [:]
        private var keyAt: [Int] = []
        private var previous: [Int] = []
        private var next: [Int] = []
        private var head = -1, tail = -1  // head: most recent

        init(capacity: Int) {
            self.capacity = capacity
            slotOf.reserveCapacity(min(capacity, 1 << 20))
        }

        /// Looks `key` up; on a miss inserts it, evicting the least recently used. Returns whether it hit.
        mutating func access(_ key: Int) -> Bool {
            if let slot = slotOf[key] {
                unlink(slot)
                pushFront(slot)
                return true
            }
            let slot: Int
            if keyAt.count < capacity {
                slot = keyAt.count
                keyAt.append(key); previous.append(-1); next.append(-1)
            } else {
                slot = tail
                unlink(slot)
                slotOf[keyAt[slot]] = nil
                keyAt[slot] = key
            }
            slotOf[key] = slot
            pushFront(slot)
            return false
        }

        private mutating func unlink(_ slot: Int) {
            if previous[slot] >= 0 { next[previous[slot]] = next[slot] } else { head = next[slot] }
            if next[slot] >= 0 { previous[next[slot]] = previous[slot] } else { tail = previous[slot] }
            previous[slot] = -1; next[slot] = -1
        }

        private mutating func pushFront(_ slot: Int) {
            next[slot] = head
            previous[slot] = -1
            if head >= 0 { previous[head] = slot }
            head = slot
            if tail < 0 { tail = slot }
        }
    }

    /// Draws hit or miss with the measured single-tier hit ratio.
    final class Program: ScenarioProgram, @unchecked Sendable {
        let hitRatio: Double
        let hitSeconds: Double
        let missSeconds: Double
        let hits: MetricSeries?
        let misses: MetricSeries?

        init(_ activation: ScenarioActivation, hitRatio: Double, hitSeconds: Double, missSeconds: Double) throws {
            self.hitRatio = hitRatio; self.hitSeconds = hitSeconds; self.missSeconds = missSeconds
            hits = try activation.series(DomainMetrics.cacheHits)
            misses = try activation.series(DomainMetrics.cacheMisses)
        }

        override var readsTime: Bool { false }

        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            if request.random.nextUnit() < hitRatio {
                hits?.add(1, shard: request.shard)
                emit(.delay(seconds: hitSeconds))
            } else {
                misses?.add(1, shard: request.shard)
                emit(.delay(seconds: missSeconds))
                emit(.cacheMiss)
            }
        }
    }
}
