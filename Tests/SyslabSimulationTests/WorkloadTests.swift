import Foundation
import SyslabCore
import Testing
@testable import SyslabSimulation

@Suite struct WorkloadTests {
    func workload(_ text: String) throws -> Workload { try Workload(config: JSONValue.parse(text)) }

    @Test func constantArrivalRateStartsRateTimesDuration() throws {
        let uniform = try workload(#"{"executor": "constant-arrival-rate", "rate": 50, "timeUnit": "1s", "duration": "20s", "arrivals": "uniform"}"#)
        let r = try Systems.run(try Systems.single(servers: 10, meanServiceMs: 5), uniform)
        #expect(r.requestsStarted == 1000)
        let poisson = try workload(#"{"executor": "constant-arrival-rate", "rate": 3000, "timeUnit": "1m", "duration": "20s"}"#)
        let p = try Systems.run(try Systems.single(servers: 10, meanServiceMs: 5), poisson)
        #expect(abs(Double(p.requestsStarted) - 1000) < 100)
    }

    @Test func rampingArrivalRateFollowsItsStages() throws {
        // 0 → 100/s over 10 s, then 100/s for 10 s: 500 + 1000 arrivals.
        let w = try workload(#"{"executor": "ramping-arrival-rate", "startRate": 0, "stages": [{"target": 100, "duration": "10s"}, {"target": 100, "duration": "10s"}], "arrivals": "uniform"}"#)
        let r = try Systems.run(try Systems.single(servers: 10, meanServiceMs: 5), w)
        #expect(abs(r.requestsStarted - 1500) <= 1)
        let firstHalf = r.series.prefix(10).reduce(0) { $0 + $1.started }
        #expect(abs(firstHalf - 500) <= 2)
        let schedule = RateSchedule(startRate: 0, stages: [Stage(target: 100, duration: 10)])
        var hint = 0
        #expect(abs(schedule.time(whenCumulativeReaches: 125, from: &hint)! - 5) < 1e-9)
    }

    @Test func closedModelsKeepVUsBusy() throws {
        // 10 VUs, 10 ms per request, no think time: about 1000 requests per second.
        let w = try workload(#"{"executor": "constant-vus", "vus": 10, "duration": "10s"}"#)
        let r = try Systems.run(try Systems.single(servers: 100, meanServiceMs: 10), w)
        #expect(abs(r.throughput - 1000) < 50, "throughput \(r.throughput)")
        #expect(r.peakInFlight == 10)
        let iterations = try workload(#"{"executor": "per-vu-iterations", "vus": 5, "iterations": 20}"#)
        let i = try Systems.run(try Systems.single(servers: 100, meanServiceMs: 10), iterations)
        #expect(i.completed == 100)
        let think = try workload(#"{"executor": "constant-vus", "vus": 10, "duration": "10s", "thinkTime": "90ms"}"#)
        let t = try Systems.run(try Systems.single(servers: 100, meanServiceMs: 10), think)
        #expect(abs(t.throughput - 100) < 8, "with think time \(t.throughput)")
    }

    @Test func rampingVUsChangesConcurrency() throws {
        let w = try workload(#"{"executor": "ramping-vus", "startVUs": 0, "stages": [{"target": 20, "duration": "10s"}, {"target": 0, "duration": "10s"}]}"#)
        let r = try Systems.run(try Systems.single(servers: 100, meanServiceMs: 10), w)
        #expect(r.peakInFlight == 20)
        // Average of 10 VUs over 20 s at 10 ms per request ≈ 20000 requests.
        #expect(abs(Double(r.completed) - 20_000) < 1500, "completed \(r.completed)")
    }

    @Test func latencyCountsFromTheIntendedStart() throws {
        // Only 2 requests may be in flight; the rest start late. The corrected
        // latency includes the wait for a free VU, the uncorrected one does not.
        var w = try workload(#"{"executor": "constant-arrival-rate", "rate": 150, "duration": "20s", "maxVUs": 2}"#)
        let r = try Systems.run(try Systems.single(servers: 10, meanServiceMs: 10), w)
        #expect(r.delayedIterations > 100)
        #expect(r.latency.p99 > 2 * r.uncorrectedLatency.p99)
        #expect(r.uncorrectedLatency.max < 0.2)
        w.dropWhenBusy = true
        let dropped = try Systems.run(try Systems.single(servers: 10, meanServiceMs: 10), w)
        #expect(dropped.droppedIterations > 100)
        #expect(dropped.delayedIterations == 0)
    }

    @Test func badWorkloadsAreRejectedClearly() throws {
        func message(_ text: String) -> String {
            do { _ = try workload(text); return "" } catch { return "\(error)" }
        }
        #expect(message(#"{"executor": "constant-rate"}"#).contains("executor must be one of"))
        #expect(message(#"{"executor": "constant-arrival-rate", "rate": 10}"#).contains("needs 'duration'"))
        #expect(message(#"{"executor": "constant-arrival-rate", "rate": 10, "duration": "10 parsecs"}"#).contains("cannot read"))
        #expect(message(#"{"executor": "constant-vus", "vus": 10, "duration": "1s", "maxVUs": 3}"#).contains("arrival-rate executors only"))
        #expect(message(#"{"executor": "ramping-vus", "stages": []}"#).contains("needs 'stages'"))
        #expect(message(#"{"executor": "constant-arrival-rate", "rate": -1, "duration": "1s"}"#).contains("must be in"))
    }

    @Test func durationsParseLikeK6() {
        #expect(DurationText.parse("1m30s") == 90)
        #expect(DurationText.parse("250ms") == 0.25)
        #expect(DurationText.parse("1.5s") == 1.5)
        #expect(DurationText.parse("2h") == 7200)
        #expect(DurationText.parse("10") == nil)
        #expect(DurationText.parse("ms") == nil)
        #expect(DurationText.format(0.0125) == "12.5ms")
        #expect(DurationText.format(90) == "1m30s")
        #expect(DurationText.format(3599.99) == "60m0s")
        #expect(DurationText.format(119.6) == "2m0s")
    }
}
