import Testing
@testable import SyslabCore

@Suite("Catalogue: caching")
struct CatalogueCachingTests {
    /// Requests every 10 ms for 2 ttl periods; returns backend queries counted by the metric.
    func stampede(_ protection: String) throws -> (CatalogueHarness, [[Effect]]) {
        let h = try CatalogueHarness("cache-stampede", ["key_ttl_seconds": 10, "recompute_ms": 500, "protection": .string(protection)])
        return (h, try h.run(2_000, every: 0.01))
    }

    @Test func cacheStampedeWithoutProtectionSendsEveryRequestInTheWindowToTheBackend() throws {
        let (h, runs) = try stampede("none")
        let misses = runs.filter { $0.has(.cacheMiss) }.count
        #expect(misses == 100, "50 requests in each 0.5 s window after the two expiries")
        #expect(h.metric("cache_backend_queries_total", LabelValues("cache-stampede")) == 100)
        #expect(h.metric("cache_hit_total", LabelValues("cache-stampede")) == 1_900)
        #expect(runs.filter { $0.has(.cacheMiss) }.allSatisfy { $0.first(.delay)?.seconds == 0.5 })
    }

    @Test func singleFlightSendsOneQueryPerExpiry() throws {
        let (h, runs) = try stampede("single_flight")
        #expect(h.metric("cache_backend_queries_total", LabelValues("cache-stampede")) == 2)
        let waits = runs.compactMap { $0.first(.delay)?.seconds }
        #expect(waits.count == 100 && waits.max() == 0.5, "followers wait for the leader's remaining time")
        #expect(waits.filter { $0 < 0.5 }.count == 98)
    }

    @Test func staleWhileRevalidateServesOldDataWithoutWaiting() throws {
        let (h, runs) = try stampede("stale_while_revalidate")
        #expect(h.metric("cache_backend_queries_total", LabelValues("cache-stampede")) == 2)
        #expect(runs.allSatisfy { !$0.has(.delay) && !$0.has(.cacheMiss) })
        #expect(runs.filter { $0.has(.staleRead) }.count == 100)
    }

    @Test func staleReadServesAgesUpToTheMaximum() throws {
        let h = try CatalogueHarness("stale-read", ["probability": 0.5, "max_staleness_seconds": 20])
        let ages = try h.run(10_000).compactMap { $0.first(.staleRead)?.seconds }
        #expect(abs(Double(ages.count) / 10_000 - 0.5) < 0.02)
        #expect(ages.allSatisfy { $0 >= 0 && $0 <= 20 })
        #expect(abs(ages.reduce(0, +) / Double(ages.count) - 10) < 0.5)
    }

    @Test func cacheWarmingFailureStartsColdAndWarmsUp() throws {
        let h = try CatalogueHarness("cache-warming-failure", ["target_hit_ratio": 0.9, "fill_seconds": 60, "preload_fraction": 0])
        let cold = try h.run(2_000).filter { $0.has(.cacheMiss) }.count
        #expect(cold == 2_000, "hit ratio is 0 at enable")
        h.advance(600)  // ten time constants
        let warm = try h.run(10_000).filter { $0.has(.cacheMiss) }.count
        #expect(abs(Double(warm) / 10_000 - 0.1) < 0.015)
        let preloaded = try CatalogueHarness("cache-warming-failure", ["target_hit_ratio": 0.9, "preload_fraction": 0.5])
        let half = try preloaded.run(10_000).filter { $0.has(.cacheMiss) }.count
        #expect(abs(Double(half) / 10_000 - 0.55) < 0.02)
    }

    @Test func invalidationRaceLeavesStaleDataUntilTheTTL() throws {
        let h = try CatalogueHarness("cache-invalidation-race", ["race_probability": 1, "key_ttl_seconds": 30])
        #expect(try h.decide().isEmpty, "the racing writer itself")
        h.advance(5)
        #expect(same(try h.decide(), [.staleRead(seconds: 5)], tolerance: 1e-6))
        h.advance(24.9)
        #expect(same(try h.decide(), [.staleRead(seconds: 29.9)], tolerance: 1e-6))
        h.advance(0.1)
        #expect(try h.decide().isEmpty, "the stale value expired; this request races again")
        #expect(h.metric("cache_invalidation_races_total", LabelValues("cache-invalidation-race")) == 4)
        #expect(h.metric("cache_stale_reads_total", LabelValues("cache-invalidation-race")) == 2)
    }

    @Test func readThroughFailureFallsBackOrFails() throws {
        let fallback = try CatalogueHarness("read-through-cache-failure", ["failure_probability": 1, "cache_timeout_ms": 100, "database_ms": 20])
        #expect(same(try fallback.decide(), [.cacheMiss, .delay(seconds: 0.12)]))
        #expect(fallback.metric("cache_fallback_queries_total", LabelValues("read-through-cache-failure")) == 1)
        let failing = try CatalogueHarness("read-through-cache-failure", ["failure_probability": 1, "fallback": "error"])
        #expect(try failing.decide() == [.delay(seconds: 0.1), .error(status: 503)])
    }

    @Test func writeBehindLagGrowsWhenWritesOutpaceTheFlusher() throws {
        let steady = try CatalogueHarness("write-behind-cache-lag", ["flush_rate_per_second": 100, "flush_interval_seconds": 5])
        let calm = try steady.run(1_000, every: 0.02).compactMap { $0.first(.staleRead)?.seconds }
        #expect(calm.max()! <= 5.01 + 1e-9, "50 writes/s against 100/s: lag stays at the interval")
        let flood = try CatalogueHarness("write-behind-cache-lag", ["flush_rate_per_second": 100, "flush_interval_seconds": 5, "max_backlog": 500])
        let runs = try flood.run(2_000, every: 0.005)
        let lags = runs.compactMap { $0.first(.staleRead)?.seconds }
        #expect(lags.last! > lags.first! + 4, "200 writes/s against 100/s: the backlog and the lag grow")
        let lost = runs.filter { $0 == [.lostWrite] }.count
        #expect(lost > 0 && flood.metric("write_behind_dropped_writes_total", LabelValues("write-behind-cache-lag")) == Double(lost))
    }
}
