import Testing
@testable import SyslabCore

/// The performance-benchmarking scenarios run real code at enable. Timings
/// on a shared machine are noisy, so each check compares how a measured
/// ratio *grows* across sizes with what complexity predicts, with a wide
/// margin below the prediction, and never asserts an absolute speed.
@Suite("Catalogue: performance", .serialized)
struct CataloguePerformanceTests {
    /// The gauge `benchmark_operation_seconds` of one variant.
    func cost(_ h: CatalogueHarness, _ scenario: String, _ variant: String) -> Double? {
        h.metric("benchmark_operation_seconds", LabelValues(scenario, variant))
    }

    @Test func binarySearchFindsWhatLinearSearchFinds() {
        let keys = Benchmark.sortedKeys(1_000)
        for probe in Benchmark.probes(500, size: 1_000, seed: 3) {
            #expect(BinarySearchVsLinear.binarySearch(keys, probe) == keys.firstIndex(of: probe))
        }
        #expect(BinarySearchVsLinear.binarySearch([], 4) == nil)
    }

    @Test func linearOverBinaryGrowsLikeNOverLogN() {
        let small = BinarySearchVsLinear.measure(n: 256)
        let large = BinarySearchVsLinear.measure(n: 16_384)
        let growth = (large.linear / large.binary) / (small.linear / small.binary)
        // n / log2 n predicts (16384 / 14) / (256 / 8) = 36.6; accept anything above a sixth of it.
        #expect(growth > 6, "ratio at 256: \(small.linear / small.binary), at 16384: \(large.linear / large.binary)")
        #expect(large.linear > 10 * small.linear, "a linear scan of 64x the data costs far more")
    }

    @Test func enablingPublishesTheMeasurementAndBurnsTheLinearCost() throws {
        let h = try CatalogueHarness("binary-search-vs-linear", ["n": 4_096, "lookups_per_request": 10])
        let linear = try #require(cost(h, "binary-search-vs-linear", "linear"))
        let binary = try #require(cost(h, "binary-search-vs-linear", "binary"))
        let ratio = try #require(h.metric("benchmark_slowdown_ratio", LabelValues("binary-search-vs-linear")))
        #expect(linear > binary && ratio > 1)
        #expect(abs(ratio - linear / binary) < 1e-9 * ratio)
        let effects = try h.decide()
        #expect(effects.count == 1 && effects[0].kind == .cpuBurn)
        #expect(abs(effects[0].seconds - 10 * linear) < 1e-12, "the host burns the measured linear cost of 10 lookups")
        // Decisions only read the cached figure: the next request gets exactly the same cost.
        #expect(try h.decide() == effects)
        #expect(abs(h.metric("cpu_injected_seconds_total", LabelValues("binary-search-vs-linear"))! - 20 * linear) < 1e-12)
    }

    @Test func measuredGaugesSurviveReenablingAndEndWithTheActivation() throws {
        let h = try CatalogueHarness("binary-search-vs-linear", ["n": 512])
        try h.registry.enable("binary-search-vs-linear", parameters: ["n": 1_024])
        #expect(cost(h, "binary-search-vs-linear", "linear") != nil, "the new activation's measurement is exposed")
        #expect(h.metric("benchmark_slowdown_ratio", LabelValues("binary-search-vs-linear"))! > 0)
        try h.registry.disable("binary-search-vs-linear")
        #expect(cost(h, "binary-search-vs-linear", "linear") == nil)
        #expect(h.metric("benchmark_slowdown_ratio", LabelValues("binary-search-vs-linear")) == nil)
    }

    @Test func treemapFallsBehindTheHashmapAsItGrows() {
        let small = HashmapVsTreemap.measure(n: 16)
        let large = HashmapVsTreemap.measure(n: 1 << 20)
        // log2 n predicts the ordered map's comparisons to grow 20 / 4 = 5x while the hash map's
        // stay O(1); a lookup also has a fixed cost (about half of it at n = 16 in an unoptimized
        // build), so accept a quarter of the predicted growth.
        let growth = (large.treemap / large.hashmap) / (small.treemap / small.hashmap)
        #expect(large.treemap > 1.25 * small.treemap, "treemap per lookup: \(small.treemap) -> \(large.treemap)")
        #expect(growth > 1.25, "ratio at 16: \(small.treemap / small.hashmap), at 1048576: \(large.treemap / large.hashmap)")
    }

    @Test(arguments: ["insertion", "quicksort", "mergesort", "heapsort"])
    func everySortSortsEveryOrder(_ algorithm: String) {
        for order in ["random", "sorted", "reversed"] {
            for n in [0, 1, 2, 3, 17, 1_000] {
                var input = SortingAlgorithms.makeInput(n: n, order: order)
                let expected = input.sorted()
                switch algorithm {
                case "quicksort": SortingAlgorithms.quicksort(&input)
                case "mergesort": SortingAlgorithms.mergesort(&input)
                case "heapsort": SortingAlgorithms.heapsort(&input)
                default: SortingAlgorithms.insertionSort(&input)
                }
                #expect(input == expected, "\(algorithm) on \(n) \(order) elements")
            }
        }
    }

    @Test func quadraticSortDivergesFromTheStandardSort() throws {
        let small = try SortingAlgorithms.measure(n: 128, algorithm: "insertion", order: "random")
        let large = try SortingAlgorithms.measure(n: 4_096, algorithm: "insertion", order: "random")
        let growth = (large.chosen / large.stdlib) / (small.chosen / small.stdlib)
        // n^2 / (n log n) predicts (4096 / 12) / (128 / 7) = 18.7.
        #expect(growth > 4, "ratio at 128: \(small.chosen / small.stdlib), at 4096: \(large.chosen / large.stdlib)")
        // Quicksort with a last-element pivot turns quadratic on sorted input.
        let randomQuick = try SortingAlgorithms.measure(n: 4_096, algorithm: "quicksort", order: "random")
        let sortedQuick = try SortingAlgorithms.measure(n: 4_096, algorithm: "quicksort", order: "sorted")
        #expect(sortedQuick.chosen > 5 * randomQuick.chosen, "\(randomQuick.chosen) -> \(sortedQuick.chosen)")
    }

    @Test func quadraticSortsAreRefusedAboveTheirLimit() throws {
        let h = CatalogueHarness()
        #expect(throws: SyslabError.self) {
            try h.registry.enable("sorting-algorithms", parameters: ["n": 50_000, "algorithm": "quicksort", "input_order": "sorted"])
        }
        #expect(h.registry.activeScenarios().isEmpty, "a refused enable leaves nothing enabled")
        try h.registry.enable("sorting-algorithms", parameters: ["n": 50_000, "algorithm": "heapsort"])
        #expect(cost(h, "sorting-algorithms", "heapsort") != nil && cost(h, "sorting-algorithms", "stdlib") != nil)
    }

    @Test func protobufWireIsSmallerAndFasterThanJSON() throws {
        let records = OrderRecord.sample(200, seed: JsonVsProtobuf.seed)
        #expect(try OrderRecord.decodeWire(OrderRecord.encodeWire(records)) == records)
        #expect(try OrderRecord.decodeJSON(OrderRecord.encodeJSON(records)) == records)
        let wire = OrderRecord.encodeWire(records)
        #expect(throws: SyslabError.self) { try OrderRecord.decodeWire(Array(wire.dropLast(3))) }
        #expect(throws: SyslabError.self) { try OrderRecord.decodeWire([0xFF, 0xFF]) }

        let h = try CatalogueHarness("json-vs-protobuf", ["records_per_request": 200])
        let jsonBytes = try #require(h.metric("serialization_payload_bytes", LabelValues("json-vs-protobuf", "json")))
        let wireBytes = try #require(h.metric("serialization_payload_bytes", LabelValues("json-vs-protobuf", "protobuf")))
        #expect(wireBytes == Double(wire.count))
        #expect(jsonBytes > 2 * wireBytes, "json \(jsonBytes) bytes, protobuf \(wireBytes) bytes")
        let json = try #require(cost(h, "json-vs-protobuf", "json")), binary = try #require(cost(h, "json-vs-protobuf", "protobuf"))
        #expect(json > binary, "json \(json) s, protobuf \(binary) s per request")
        #expect(try h.decide() == [.cpuBurn(seconds: json)])
    }

    @Test func higherZlibLevelsCompressMoreAndCostMore() throws {
        let payload = CompressionTradeoffs.sample(bytes: 1 << 18)
        let fast = try CompressionTradeoffs.measure(payload, level: 1)
        let best = try CompressionTradeoffs.measure(payload, level: 9)
        #expect(fast.ratio > 2 && best.ratio > fast.ratio, "ratios: level 1 \(fast.ratio), level 9 \(best.ratio)")
        #expect(best.seconds > fast.seconds, "level 1 \(fast.seconds) s, level 9 \(best.seconds) s")
        #expect(CompressionTradeoffs.decompress([1, 2, 3], count: 10) == nil, "garbage does not inflate")

        let h = try CatalogueHarness("compression-tradeoffs", ["payload_bytes": 65_536, "level": 6])
        #expect(h.metric("compression_ratio", LabelValues("compression-tradeoffs", "6"))! > 2)
        let level6 = try #require(cost(h, "compression-tradeoffs", "level_6"))
        let level1 = try #require(cost(h, "compression-tradeoffs", "level_1"))
        #expect(try h.decide() == [.cpuBurn(seconds: max(level1, level6))])
    }

    @Test func offsetPagesCostGrowsWithDepthKeysetPagesDoNot() throws {
        let table = PaginationStrategies.Table(rows: 10_000)
        // Both strategies return the same page.
        let previous = table.offsetPage(skip: 499, size: 1).page[0]
        #expect(table.offsetPage(skip: 500, size: 25).page == table.keysetPage(after: previous, size: 25).page)

        let shallow = PaginationStrategies.measure(rows: 200_000, pageSize: 50, page: 10)
        let deep = PaginationStrategies.measure(rows: 200_000, pageSize: 50, page: 2_000)
        #expect(deep.offsetScanned > 100_000 && deep.keysetScanned < 100, "rows read: offset \(deep.offsetScanned), keyset \(deep.keysetScanned)")
        let growth = (deep.offsetSeconds / deep.keysetSeconds) / (shallow.offsetSeconds / shallow.keysetSeconds)
        // Offset work grows with the page number (200x deeper); keyset work does not.
        #expect(growth > 20, "ratio at page 10: \(shallow.offsetSeconds / shallow.keysetSeconds), at 2000: \(deep.offsetSeconds / deep.keysetSeconds)")
    }

    @Test func eagerOrLazyWhicheverLoadsMoreLoses() throws {
        let few = try CatalogueHarness("eager-vs-lazy-loading", ["items": 200, "children_per_item": 20, "accessed_fraction": 0.05, "query_ms": 0.001])
        let fewEffects = try few.decide()
        #expect(fewEffects.map(\.kind) == [.cpuBurn], "touching 10 of 200 parents: eager loading built 20x too much")
        #expect(few.metric("loading_request_seconds", LabelValues("eager-vs-lazy-loading", "eager"))!
                > few.metric("loading_request_seconds", LabelValues("eager-vs-lazy-loading", "lazy"))!)
        let all = try CatalogueHarness("eager-vs-lazy-loading", ["items": 200, "children_per_item": 20, "accessed_fraction": 1, "query_ms": 1])
        let allEffects = try all.decide()
        #expect(allEffects.map(\.kind) == [.cpuBurn, .extraQueries])
        #expect(allEffects[1].amount == 200 && allEffects[1].seconds == 0.001, "one lazy query per parent")
        #expect(throws: SyslabError.self) {
            _ = try CatalogueHarness("eager-vs-lazy-loading", ["items": 100_000, "children_per_item": 1_000])
        }
    }

    @Test func singleItemCallsPayTheRoundTripPerItem() throws {
        let h = try CatalogueHarness("batch-vs-single", ["items": 100, "batch_size": 10, "round_trip_ms": 2])
        let effects = try h.decide()
        #expect(effects.count == 1 && effects[0].kind == .extraQueries)
        #expect(effects[0].amount == 90, "100 single calls instead of 10 batches")
        #expect(effects[0].seconds >= 0.002 && effects[0].seconds < 0.003, "a round trip plus the measured framing of one message")
        #expect(h.metric("batch_round_trips_per_request", LabelValues("batch-vs-single", "single")) == 100)
        #expect(h.metric("batch_round_trips_per_request", LabelValues("batch-vs-single", "batch")) == 10)
        let unbatched = try CatalogueHarness("batch-vs-single", ["items": 100, "batch_size": 1])
        #expect(try unbatched.decide().isEmpty, "batches of one save nothing")
    }

    @Test func overlappedIoCostsTheSlowestCallNotTheSum() throws {
        let h = try CatalogueHarness("async-vs-sync-io", ["calls_per_request": 10, "io_ms": 20, "concurrency": 10])
        let delays = try h.run(4_000).map { seconds($0, .delay) }
        let mean = delays.reduce(0, +) / Double(delays.count)
        #expect(abs(mean - 0.2) < 0.01, "10 sequential calls of mean 20 ms: \(mean) s")
        let sync = try #require(h.histogram("io_request_seconds", LabelValues("async-vs-sync-io", "sync")))
        let async = try #require(h.histogram("io_request_seconds", LabelValues("async-vs-sync-io", "async")))
        #expect(abs(sync.sum - delays.reduce(0, +)) < 1e-6)
        // The maximum of 10 exponentials has mean 20 ms x H(10) = 58.6 ms.
        let asyncMean = async.sum / Double(async.count)
        #expect(abs(asyncMean - 0.0586) < 0.004, "overlapped mean \(asyncMean) s")
        // With two in flight, five waves: between the fully overlapped and the sequential time.
        let two = try CatalogueHarness("async-vs-sync-io", ["calls_per_request": 10, "io_ms": 20, "concurrency": 2])
        _ = try two.run(2_000)
        let waves = try #require(two.histogram("io_request_seconds", LabelValues("async-vs-sync-io", "async")))
        #expect(waves.sum / Double(waves.count) > 0.1 && waves.sum / Double(waves.count) < 0.2)
    }

    @Test func lruEvictsTheLeastRecentlyUsed() {
        var cache = CachingLayers.LRUCache(capacity: 2)
        let hits = [1, 2, 1, 3, 1, 2].map { cache.access($0) }
        // 3 evicts 2 (the least recently used), so 2 misses again while 1 still hits.
        #expect(hits == [false, false, true, false, true, false])
    }

    @Test func anInProcessLayerAbsorbsTheHotKeys() throws {
        let m = CachingLayers.measure(keys: 100_000, exponent: 1, l1: 1_000, l2: 10_000, lookups: 100_000)
        #expect(m.l1 > 0.3 && m.single > m.l1, "hit ratios: single \(m.single), L1 \(m.l1), L2 behind \(m.l2Behind)")
        let uniform = CachingLayers.measure(keys: 100_000, exponent: 0, l1: 1_000, l2: 10_000, lookups: 100_000)
        #expect(abs(uniform.single - 0.1) < 0.02, "uniform keys: hit ratio is the cached share, \(uniform.single)")

        let h = try CatalogueHarness("caching-layers")
        let hitRatio = try #require(h.metric("cache_layer_hit_ratio", LabelValues("caching-layers", "single_tier", "l2")))
        let runs = try h.run(5_000)
        let misses = runs.filter { $0.has(.cacheMiss) }.count
        #expect(abs(Double(misses) / 5_000 - (1 - hitRatio)) < 0.03)
        #expect(runs.allSatisfy { abs(seconds($0, .delay) - 0.001) < 1e-12 || abs(seconds($0, .delay) - 0.021) < 1e-12 })
        #expect(cost(h, "caching-layers", "two_tier")! < cost(h, "caching-layers", "single_tier")!)
    }
}
