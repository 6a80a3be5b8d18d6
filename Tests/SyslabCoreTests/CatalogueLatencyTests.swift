import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import SyslabCore

@Suite("Catalogue: latency")
struct CatalogueLatencyTests {
    @Test func fixedLatencyDelaysEveryRequestExactly() throws {
        let h = try CatalogueHarness("fixed-latency", ["delay_ms": 150])
        for effects in try h.run(100) { #expect(effects == [.delay(seconds: 0.15)]) }
        let hist = try #require(h.histogram("http_injected_latency_seconds", LabelValues("fixed-latency")))
        #expect(hist.count == 100 && abs(hist.sum - 15) < 1e-9)
    }

    @Test(arguments: ["exponential", "lognormal", "uniform", "pareto", "fixed"])
    func variableLatencyFollowsItsDistribution(_ distribution: String) throws {
        let h = try CatalogueHarness("variable-latency", ["distribution": .string(distribution), "mean_ms": 100, "stddev_ms": 100, "max_ms": 100_000])
        let delays = try h.run(20_000).map { seconds($0, .delay) * 1000 }
        let mean = delays.reduce(0, +) / Double(delays.count)
        // Pareto (alpha 2.5) has a heavy tail: its sample mean converges slowly.
        #expect(abs(mean - 100) < (distribution == "pareto" ? 10 : 4), "mean of \(distribution) is \(mean)")
        if distribution == "uniform" { #expect(delays.allSatisfy { $0 >= 0 && $0 <= 200 }) }
        if distribution == "fixed" { #expect(delays.allSatisfy { abs($0 - 100) < 1e-9 }) }
        if distribution == "pareto" { #expect(quantile(delays, 0.99) > 3 * quantile(delays, 0.5), "a heavy tail") }
        if distribution == "exponential" { #expect(abs(quantile(delays, 0.5) - 100 * log(2)) < 5, "median of an exponential is mean x ln 2") }
    }

    @Test func tailLatencyKeepsTheMedianWhileP99Rises() throws {
        let base = try CatalogueHarness("tail-latency", ["base_ms": 20, "tail_probability": 0, "tail_ms": 1000])
        let tail = try CatalogueHarness("tail-latency", ["base_ms": 20, "tail_probability": 0.03, "tail_ms": 1000])
        let a = try base.run(20_000).map { seconds($0, .delay) }
        let b = try tail.run(20_000).map { seconds($0, .delay) }
        #expect(quantile(a, 0.5) == 0.02 && quantile(b, 0.5) == 0.02, "p50 unchanged")
        #expect(quantile(a, 0.99) == 0.02)
        #expect(quantile(b, 0.99) >= 1.02, "p99 is in the tail: at least base + tail_ms")
        let slow = try #require(tail.metric("tail_latency_slow_requests_total", LabelValues("tail-latency")))
        #expect(abs(slow / 20_000 - 0.03) < 0.006)
    }

    @Test func timeoutTooShortTimesOutTheShareAboveTheTimeout() throws {
        let (mean, sd, timeout) = (80.0, 40.0, 100.0)
        let h = try CatalogueHarness("timeout-too-short", ["timeout_ms": .number(timeout), "latency_mean_ms": .number(mean), "latency_stddev_ms": .number(sd)])
        let n = 40_000
        let runs = try h.run(n)
        let timedOut = runs.filter { $0.has(.timeout) }
        #expect(timedOut.allSatisfy { $0 == [.timeout(seconds: 0.1)] })
        #expect(runs.allSatisfy { seconds($0, .delay) <= 0.1 })
        // P(lognormal > timeout) from the lognormal's parameters.
        let (mu, sigma) = Distribution.lognormalParameters(mean: mean, stddev: sd)
        let expected = 0.5 * erfc((log(timeout) - mu) / (sigma * 2.0.squareRoot()))
        let observed = Double(timedOut.count) / Double(n)
        #expect(abs(observed - expected) < 0.01, "observed \(observed), expected \(expected)")
        #expect(h.metric("http_client_timeouts_total", LabelValues("timeout-too-short")) == Double(timedOut.count))
    }

    @Test func timeoutTooLongExhaustsWorkersUntilTimeoutsFree_them() throws {
        let h = try CatalogueHarness("timeout-too-long", ["hang_probability": 1, "timeout_ms": 30_000, "workers": 5])
        for _ in 0..<5 { #expect(try h.decide() == [.hang(seconds: 30)]) }
        #expect(try h.decide() == [.error(status: 503)], "every worker is stuck")
        #expect(h.metric("http_workers_stuck", LabelValues("timeout-too-long")) == 5)
        h.advance(29.9)
        #expect(try h.decide() == [.error(status: 503)])
        h.advance(0.2)
        #expect(try h.decide() == [.hang(seconds: 30)], "the first hangs ended at the timeout")
        #expect(h.metric("http_worker_exhaustion_rejections_total", LabelValues("timeout-too-long")) == 2)
    }

    @Test(arguments: ["linear", "exponential"])
    func slowStartDecaysOverItsWarmup(_ curve: String) throws {
        let h = try CatalogueHarness("slow-start", ["initial_delay_ms": 1000, "warmup_seconds": 60, "curve": .string(curve)])
        var delays: [Double] = []
        for _ in 0...70 {
            delays.append(seconds(try h.decide(), .delay))
            h.advance(1)
        }
        #expect(delays[0] == 1, "full delay at enable")
        for i in 1..<60 { #expect(delays[i] < delays[i - 1], "strictly decreasing during warm-up") }
        #expect(delays[60...].allSatisfy { $0 == 0 }, "nothing once warm")
        if curve == "linear" { #expect(abs(delays[30] - 0.5) < 1e-9) } else { #expect(abs(delays[12] - exp(-1)) < 1e-9) }
        #expect(h.metric("slow_start_warmup_ratio", LabelValues("slow-start")) == 1)
    }
}
