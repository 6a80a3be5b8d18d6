import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import SyslabCore

@Suite("Catalogue: API and network")
struct CatalogueNetworkTests {
    @Test func circuitBreakerOpensFailsFastThenProbes() throws {
        let h = try CatalogueHarness("circuit-breaker", ["failure_probability": 1, "failure_threshold": 3, "open_seconds": 10, "failure_latency_ms": 100])
        let state = { h.metric("circuit_breaker_state", LabelValues("circuit-breaker")) }
        let slowFailure: [Effect] = [.delay(seconds: 0.1), .error(status: 502)]
        for _ in 0..<3 { #expect(try h.decide() == slowFailure) }
        #expect(state() == 1, "open after 3 consecutive failures")
        for _ in 0..<5 { #expect(try h.decide() == [.error(status: 503)], "fails fast while open") }
        h.advance(10)
        #expect(try h.decide() == slowFailure, "the half-open probe fails")
        #expect(state() == 1)
        #expect(h.metric("circuit_breaker_trips_total", LabelValues("circuit-breaker")) == 2)
        #expect(h.metric("circuit_breaker_rejections_total", LabelValues("circuit-breaker")) == 5)
    }

    @Test func circuitBreakerClosesAfterSuccessfulProbes() throws {
        // With failures at 30% the breaker trips now and then, and recovers through half-open.
        let h = try CatalogueHarness("circuit-breaker", ["failure_probability": 0.3, "failure_threshold": 2, "open_seconds": 1, "half_open_successes": 2])
        var seen = Set<Double>()
        for _ in 0..<3_000 {
            _ = try h.decide()
            seen.insert(h.metric("circuit_breaker_state", LabelValues("circuit-breaker"))!)
            h.advance(0.1)
        }
        #expect(seen == [0, 1, 2], "closed, open and half-open all occur")
    }

    @Test func retryStormAmplifiesAttemptsGeometrically() throws {
        let (p, maxRetries) = (0.5, 3)
        let h = try CatalogueHarness("retry-storm", ["failure_probability": .number(p), "max_retries": .number(Double(maxRetries)), "attempt_ms": 100])
        let n = 40_000
        let runs = try h.run(n)
        let retries = runs.compactMap { $0.first(.retry)?.amount }.reduce(0, +)
        let expectedAttempts = (1 - pow(p, Double(maxRetries + 1))) / (1 - p)
        #expect(abs((Double(n) + retries) / Double(n) - expectedAttempts) < 0.02, "mean attempts per request")
        let exhausted = runs.filter { $0.has(.error) }.count
        #expect(abs(Double(exhausted) / Double(n) - pow(p, 4)) < 0.01)
        #expect(runs.filter { $0.has(.error) }.allSatisfy { $0.first(.retry)!.seconds == 0.4 }, "four failed attempts of 100 ms")
        #expect(h.metric("retry_attempts_total", LabelValues("retry-storm")) == retries)
        let backoff = try CatalogueHarness("retry-storm", ["failure_probability": 1, "max_retries": 3, "attempt_ms": 0, "backoff_ms": 100])
        #expect(same(try backoff.decide(), [.retry(attempts: 3, seconds: 0.7), .error(status: 503)]), "100 + 200 + 400 ms of backoff")
    }

    @Test(arguments: ["timeout", "drop", "error"])
    func networkPartitionAffectsCrossingRequestsInItsWindow(_ behaviour: String) throws {
        let h = try CatalogueHarness("network-partition", ["start_after_seconds": 10, "duration_seconds": 20, "cross_fraction": 1, "behaviour": .string(behaviour), "connect_timeout_ms": 3000])
        #expect(try h.decide().isEmpty)
        h.advance(10)
        let expected: Effect = behaviour == "timeout" ? .timeout(seconds: 3) : behaviour == "drop" ? .drop() : .error(status: 503)
        #expect(try h.decide() == [expected])
        #expect(h.metric("network_partition_active", LabelValues("network-partition")) == 1)
        h.advance(20)
        #expect(try h.decide().isEmpty, "healed")
        let half = try CatalogueHarness("network-partition", ["cross_fraction": 0.5])
        let hit = try half.run(10_000).filter { !$0.isEmpty }.count
        #expect(abs(Double(hit) / 10_000 - 0.5) < 0.02)
    }

    @Test func rateLimitRejectsBeyondItsBudgetUntilTheWindowResets() throws {
        let h = try CatalogueHarness("rate-limit", ["limit": 100, "window_seconds": 60, "status_code": 429])
        let first = try h.run(150, every: 0.1)  // 15 s of the first window
        #expect(first.prefix(100).allSatisfy { $0.isEmpty }, "the budget is admitted")
        #expect(first.dropFirst(100).allSatisfy { $0.first(.throttle)?.status == 429 }, "everything beyond it is rejected")
        #expect(h.metric("rate_limit_rejections_total", LabelValues("rate-limit")) == 50)
        #expect(h.metric("rate_limit_remaining", LabelValues("rate-limit")) == 0)
        let retryAfter = try #require(try h.decide().first(.throttle)?.seconds)
        #expect(abs(retryAfter - 45) < 1e-6, "Retry-After points at the window end")
        h.advance(45.001)
        #expect(try h.run(100).allSatisfy { $0.isEmpty }, "a new window admits again")
        #expect(try h.decide().first(.throttle) != nil)
    }

    @Test func timeoutCascadeTimesOutEveryHopUnlessTimeoutsShrink() throws {
        let equal = try CatalogueHarness("timeout-cascade", ["depth": 4, "stall_probability": 1, "timeout_ms": 1000, "timeout_step_ms": 0])
        #expect(try equal.decide() == [.timeout(seconds: 1)])
        #expect(equal.metric("timeout_cascade_hops_timed_out_total", LabelValues("timeout-cascade")) == 4)
        let budgeted = try CatalogueHarness("timeout-cascade", ["depth": 4, "stall_probability": 1, "timeout_ms": 1000, "timeout_step_ms": 200, "hop_ms": 20])
        // The deepest hop times out at 1000 - 3 x 200 = 400 ms, plus 3 hops of 20 ms on the way back.
        #expect(same(try budgeted.decide(), [.delay(seconds: 0.46), .error(status: 504)]))
        #expect(budgeted.metric("timeout_cascade_hops_timed_out_total", LabelValues("timeout-cascade")) == 1)
        let healthy = try CatalogueHarness("timeout-cascade", ["depth": 4, "stall_probability": 0, "hop_ms": 20])
        #expect(same(try healthy.decide(), [.delay(seconds: 0.08)]))
    }

    @Test func partialResponseKeepsAFractionInRange() throws {
        let h = try CatalogueHarness("partial-response", ["probability": 1, "min_fraction": 0.2, "max_fraction": 0.4])
        let kept = try h.run(5_000).map { $0.first(.truncate)!.amount }
        #expect(kept.allSatisfy { $0 >= 0.2 && $0 <= 0.4 })
        #expect(abs(kept.reduce(0, +) / 5_000 - 0.3) < 0.005)
    }

    @Test func apiVersionMismatchRejectsOldClientsWithLabels() throws {
        let h = try CatalogueHarness("api-version-mismatch", ["mismatch_probability": 0.3, "status_code": 410, "client_version": "2023-01", "server_version": "2024-06"])
        let rejected = try h.run(10_000).filter { $0 == [.error(status: 410)] }.count
        #expect(abs(Double(rejected) / 10_000 - 0.3) < 0.02)
        #expect(h.metric("api_version_mismatches_total", LabelValues("api-version-mismatch", "2023-01", "2024-06")) == Double(rejected))
    }

    @Test func dnsFailuresHappenOnlyWhenTheCacheExpired() throws {
        let h = try CatalogueHarness("dns-resolution-failure", ["failure_probability": 0, "lookup_ms": 20, "cache_ttl_seconds": 60])
        #expect(same(try h.decide(), [.delay(seconds: 0.02)]), "first lookup is uncached")
        #expect(try h.run(100, every: 0.5).allSatisfy { $0.isEmpty }, "cached for 60 s")
        h.advance(10)
        #expect(same(try h.decide(), [.delay(seconds: 0.02)]), "expired: resolve again")
        let failing = try CatalogueHarness("dns-resolution-failure", ["failure_probability": 1, "resolver_timeout_ms": 5000])
        #expect(try failing.run(3).allSatisfy { $0 == [.delay(seconds: 5), .error(status: 503)] }, "failures are not cached")
        #expect(failing.metric("dns_lookup_failures_total", LabelValues("dns-resolution-failure")) == 3)
    }
}
