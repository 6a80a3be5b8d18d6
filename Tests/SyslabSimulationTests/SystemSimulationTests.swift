import Foundation
import SyslabCore
import Testing
@testable import SyslabSimulation

@Suite struct SystemSimulationTests {
    @Test func singleNodeIsAnMMcQueue() throws {
        // A one-node system under Poisson load is M/M/c: the whole pipeline
        // (workload, admission, service, statistics) must agree with Erlang C.
        let theory = QueueingTheory.mmc(lambda: 300, mu: 100, servers: 4)
        var total = 0.0
        for seed: UInt64 in 1...3 {
            let r = try Systems.run(try Systems.single(servers: 4, meanServiceMs: 10), Systems.rate(300, seconds: 200), seed: seed)
            #expect(r.failed == 0)
            total += r.latency.mean
        }
        let mean = total / 3
        #expect(abs(mean - theory.meanW) / theory.meanW < 0.05, "mean W \(mean) vs Erlang C \(theory.meanW)")
    }

    @Test func sameSeedSameResult() throws {
        let model = try Systems.apiDB()
        let a = try Systems.run(model, Systems.rate(200, seconds: 20), seed: 9)
        let b = try Systems.run(model, Systems.rate(200, seconds: 20), seed: 9)
        #expect(a.latency == b.latency)
        #expect(a.completed == b.completed)
        let c = try Systems.run(model, Systems.rate(200, seconds: 20), seed: 10)
        #expect(c.latency != a.latency)
    }
}
