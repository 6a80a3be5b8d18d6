import Testing
@testable import SyslabCore

@Suite("Catalogue: database")
struct CatalogueDatabaseTests {
    @Test func slowDbQueryAddsTheRequestedMeanDelay() throws {
        let h = try CatalogueHarness("slow-db-query", ["delay_ms": 300, "stddev_ms": 50])
        let delays = try h.run(20_000).map { seconds($0, .delay) }
        #expect(abs(delays.reduce(0, +) / 20_000 - 0.3) < 0.003)
        #expect(h.metric("db_slow_queries_total", LabelValues("slow-db-query")) == 20_000)
    }

    @Test func lockContentionWaitsAndTimesOutWith409() throws {
        let h = try CatalogueHarness("lock-contention", ["contention_probability": 1, "hold_ms": 200, "lock_timeout_ms": 200])
        let runs = try h.run(20_000)
        #expect(runs.allSatisfy { $0.has(.lockWait) })
        let timeouts = runs.filter { $0 == [.lockWait(seconds: 0.2), .error(status: 409)] }.count
        // Exponential wait with mean = timeout: P(wait > timeout) = e^-1.
        #expect(abs(Double(timeouts) / 20_000 - 0.3679) < 0.015)
        #expect(runs.allSatisfy { seconds($0, .lockWait) <= 0.2 })
        #expect(h.metric("db_lock_timeouts_total", LabelValues("lock-contention")) == Double(timeouts))
    }

    @Test func connectionPoolQueuesAboveItsThroughputAndTimesOut() throws {
        // 10 connections x 100 ms = 100 requests/s.
        let calm = try CatalogueHarness("connection-pool-exhaustion", ["pool_size": 10, "hold_ms": 100, "acquire_timeout_ms": 500])
        #expect(try calm.run(2_000, every: 0.011).allSatisfy { $0.isEmpty }, "below capacity nobody waits")
        let busy = try CatalogueHarness("connection-pool-exhaustion", ["pool_size": 10, "hold_ms": 100, "acquire_timeout_ms": 500])
        let runs = try busy.run(2_000, every: 0.005)
        let waits = runs.compactMap { $0.first(.queueWait)?.seconds }
        let failures = runs.filter { $0.has(.error) }.count
        #expect(waits.count > 1_000 && waits.max()! <= 0.5 + 1e-9)
        // Offered 200/s, served 100/s: about half fail once the wait reaches the timeout.
        #expect(abs(Double(failures) / 2_000 - 0.5) < 0.08, "failures \(failures)")
        #expect(busy.metric("connection_pool_in_use", LabelValues("connection-pool-exhaustion")) == 10)
        let hist = try #require(busy.histogram("connection_pool_wait_seconds", LabelValues("connection-pool-exhaustion")))
        #expect(hist.count == 2_000)
    }

    @Test func nPlusOneIssuesOneQueryPerItemUnlessBatched() throws {
        let h = try CatalogueHarness("n-plus-one-query", ["items": 40, "query_ms": 2])
        #expect(try h.decide() == [.extraQueries(40, secondsEach: 0.002)])
        let hist = try #require(h.histogram("db_queries_per_request", LabelValues("n-plus-one-query")))
        #expect(hist.sum == 41)
        let batched = try CatalogueHarness("n-plus-one-query", ["items": 40, "batch_size": 25])
        #expect(try batched.decide() == [.extraQueries(2, secondsEach: 0.002)])
        #expect(try batched.decide().first!.addedSeconds == 0.004)
    }

    @Test func missingIndexScanTimeGrowsWithTheTable() throws {
        let h = try CatalogueHarness("missing-index", ["table_rows": 1_000_000, "scan_rows_per_second": 5_000_000, "growth_rows_per_second": 10_000])
        #expect(try h.decide() == [.delay(seconds: 0.2)])
        h.advance(100)  // 1,000,000 more rows
        #expect(try h.decide() == [.delay(seconds: 0.4)])
        #expect(h.metric("db_rows_scanned_total", LabelValues("missing-index")) == 3_000_000)
    }

    @Test func deadlockVictimsAreRetriedThenFail() throws {
        let always = try CatalogueHarness("deadlock", ["probability": 1, "detection_ms": 1000, "max_retries": 2])
        #expect(try always.decide() == [.lockWait(seconds: 3), .retry(attempts: 2, seconds: 0), .error(status: 500)])
        #expect(always.metric("db_deadlocks_total", LabelValues("deadlock")) == 3)
        let some = try CatalogueHarness("deadlock", ["probability": 0.2, "detection_ms": 100, "max_retries": 1])
        let runs = try some.run(20_000)
        let failed = runs.filter { $0.has(.error) }.count
        #expect(abs(Double(failed) / 20_000 - 0.04) < 0.006, "both attempts deadlock with p^2")
        let touched = runs.filter { !$0.isEmpty }.count
        #expect(abs(Double(touched) / 20_000 - 0.2) < 0.01)
    }

    @Test func connectionLeakShrinksThePoolUntilRequestsFail() throws {
        let h = try CatalogueHarness("connection-leak", ["leak_probability": 1, "pool_size": 4, "acquire_timeout_ms": 250])
        let runs = try h.run(6)
        #expect(runs[0].isEmpty)
        #expect(runs[1] == [.capacity(fraction: 0.75)])
        #expect(runs[3] == [.capacity(fraction: 0.25)])
        #expect(runs[4] == [.queueWait(seconds: 0.25), .error(status: 503)])
        #expect(h.metric("connection_pool_leaked_connections", LabelValues("connection-leak")) == 4)
        let slow = try CatalogueHarness("connection-leak", ["leak_probability": 0.01, "pool_size": 1000])
        _ = try slow.run(10_000)
        let leaked = try #require(slow.metric("connection_pool_leaked_connections", LabelValues("connection-leak")))
        #expect(abs(leaked - 100) < 35, "about leak_probability x requests")
    }

    @Test func longRunningTransactionBlocksOnlyInsideItsWindow() throws {
        let h = try CatalogueHarness("long-running-transaction", ["interval_seconds": 60, "duration_seconds": 10, "blocked_fraction": 1, "lock_timeout_ms": 30_000])
        #expect(try h.decide() == [.lockWait(seconds: 10)])
        h.advance(4)
        #expect(try h.decide() == [.lockWait(seconds: 6)])
        #expect(h.metric("db_long_transaction_active", LabelValues("long-running-transaction")) == 1)
        h.advance(10)
        #expect(try h.decide().isEmpty)
        #expect(h.metric("db_long_transaction_active", LabelValues("long-running-transaction")) == 0)
        h.advance(47)  // 61 s: the next transaction started at 60 s
        #expect(try h.decide() == [.lockWait(seconds: 9)])
        let strict = try CatalogueHarness("long-running-transaction", ["blocked_fraction": 1, "lock_timeout_ms": 2_000])
        #expect(try strict.decide() == [.lockWait(seconds: 2), .error(status: 503)])
    }
}
