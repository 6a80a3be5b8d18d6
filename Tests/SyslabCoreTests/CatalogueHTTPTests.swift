import Testing
@testable import SyslabCore

@Suite("Catalogue: HTTP")
struct CatalogueHTTPTests {
    @Test func errorBurstRateIsWithinHalfAPercentOfProbabilityOver100kDecisions() throws {
        let h = try CatalogueHarness("error-burst", ["probability": 0.2, "status_code": 503])
        let n = 100_000
        let failed = try h.run(n).filter { $0 == [.error(status: 503)] }.count
        // Binomial(100000, 0.2): sd = 126 requests (0.13%); 0.5% is about 4 sd.
        #expect(abs(Double(failed) / Double(n) - 0.2) < 0.005, "failure rate \(Double(failed) / Double(n))")
        #expect(h.metric("http_injected_errors_total", LabelValues("error-burst", "503")) == Double(failed))
        #expect(h.metric("simulator_injections_total", LabelValues("error-burst", "error")) == Double(failed))
    }

    @Test func intermittent5xxMixesStatusesByWeight() throws {
        let h = try CatalogueHarness("intermittent-5xx", ["probability": 1, "weight_500": 1, "weight_502": 0, "weight_503": 3, "weight_504": 0])
        let statuses = try h.run(8_000).compactMap { $0.first(.error)?.status }
        #expect(statuses.count == 8_000)
        #expect(Set(statuses) == [500, 503])
        let share503 = Double(statuses.filter { $0 == 503 }.count) / 8_000
        #expect(abs(share503 - 0.75) < 0.025)
        let none = try CatalogueHarness("intermittent-5xx", ["probability": 0])
        #expect(try none.run(500).allSatisfy { $0.isEmpty })
    }

    @Test func backpressureQueuesThenShedsTheExcessWith503() throws {
        // Capacity 100/s, queue 50: at 50/s nothing waits; at 200/s half is shed once the queue is full.
        let slow = try CatalogueHarness("503-backpressure", ["capacity_rps": 100, "queue_limit": 50, "retry_after_seconds": 2])
        #expect(try slow.run(1_000, every: 0.02).allSatisfy { $0.isEmpty })
        let fast = try CatalogueHarness("503-backpressure", ["capacity_rps": 100, "queue_limit": 50, "retry_after_seconds": 2])
        let runs = try fast.run(4_000, every: 0.005)
        let shed = runs.filter { $0 == [.throttle(status: 503, retryAfter: 2)] }.count
        #expect(abs(Double(shed) / 4_000 - 0.5) < 0.03, "shed \(shed) of 4000")
        let waits = runs.compactMap { $0.first(.queueWait)?.seconds }
        #expect(waits.max()! <= 0.5 + 1e-9, "at most queue_limit / capacity seconds of queueing")
        #expect(fast.metric("http_backpressure_rejections_total", LabelValues("503-backpressure")) == Double(shed))
    }

    @Test func badGatewayFailsWith502AfterTheUpstreamLatency() throws {
        let h = try CatalogueHarness("502-bad-gateway", ["probability": 1, "upstream_latency_ms": 30, "upstream": "payments"])
        #expect(try h.decide() == [.delay(seconds: 0.03), .error(status: 502)])
        #expect(h.metric("gateway_upstream_failures_total", LabelValues("502-bad-gateway", "payments")) == 1)
    }

    @Test func clientDisconnectDropsWith499AfterThePatience() throws {
        let h = try CatalogueHarness("499-client-disconnect", ["probability": 0.25, "client_timeout_ms": 1500])
        let runs = try h.run(10_000)
        let dropped = runs.filter { $0 == [.drop(after: 1.5, status: 499)] }.count
        #expect(runs.allSatisfy { $0.isEmpty || $0 == [.drop(after: 1.5, status: 499)] })
        #expect(abs(Double(dropped) / 10_000 - 0.25) < 0.02)
        #expect(h.metric("http_abandoned_work_seconds_total", LabelValues("499-client-disconnect")) == Double(dropped) * 1.5)
    }

    @Test func tokenBucketAdmitsTheBurstThenTheRate() throws {
        let h = try CatalogueHarness("429-rate-limit", ["rate_per_second": 10, "burst": 20])
        // 100 requests at once: the burst passes, the rest wait for tokens.
        let burst = try h.run(100)
        #expect(burst.prefix(20).allSatisfy { $0.isEmpty })
        #expect(burst.dropFirst(20).allSatisfy { $0.first(.throttle)?.status == 429 })
        #expect(abs(burst[20].first(.throttle)!.seconds - 0.1) < 1e-9, "Retry-After is the time to the next token")
        // Sustained 50/s for 10 s: about 10/s admitted.
        let sustained = try h.run(500, every: 0.02)
        let admitted = sustained.filter { $0.isEmpty }.count
        #expect(abs(admitted - 100) <= 2, "admitted \(admitted)")
    }
}
