import Foundation
import SyslabCore
import Testing
@testable import SyslabSimulation

/// Debug-build-sized checks against queueing theory. The strict 1M-customer
/// checks (means within 2%, p99 within 5%) run on the release build through
/// Tests/lua/test_fidelity.lua.
@Suite struct QueueingFidelityTests {
    /// Averages several seeds so the run-to-run noise is well under the tolerance.
    func averaged(_ make: (UInt64) -> QueueingModel, seeds: ClosedRange<UInt64>) throws -> (wq: Double, w: Double, l: Double, p99: Double, blocking: Double, littles: Double) {
        var wq = 0.0, w = 0.0, l = 0.0, p99 = 0.0, blocking = 0.0, littles = 0.0
        for seed in seeds {
            let r = try QueueingSimulation(make(seed)).run()
            wq += r.meanWq; w += r.meanW; l += r.meanL; p99 += r.timeInSystem.percentile(99); blocking += r.blocking
            littles = max(littles, r.littlesLawError)
        }
        let n = Double(seeds.count)
        return (wq / n, w / n, l / n, p99 / n, blocking / n, littles)
    }

    func relative(_ measured: Double, _ expected: Double) -> Double { abs(measured - expected) / expected }

    @Test func mm1AgreesWithTheory() throws {
        let theory = QueueingTheory.mmc(lambda: 50, mu: 100, servers: 1)
        let r = try averaged({ .markovian(arrivalRate: 50, serviceRate: 100, servers: 1, customers: 100_000, seed: $0) }, seeds: 1...4)
        #expect(relative(r.w, theory.meanW) < 0.03)
        #expect(relative(r.l, theory.meanL) < 0.03)
        // W is exponential with rate μ-λ for M/M/1.
        #expect(relative(r.p99, log(100) / 50) < 0.05)
        #expect(relative(theory.quantile(0.99), log(100) / 50) < 1e-9)
        #expect(r.littles < 1e-9)
    }

    @Test func mmcAgreesWithErlangC() throws {
        let theory = QueueingTheory.mmc(lambda: 250, mu: 100, servers: 4)
        let r = try averaged({ .markovian(arrivalRate: 250, serviceRate: 100, servers: 4, customers: 100_000, seed: $0) }, seeds: 1...4)
        #expect(relative(r.wq, theory.meanWq) < 0.06)
        #expect(relative(r.w, theory.meanW) < 0.03)
        #expect(relative(r.p99, theory.quantile(0.99)) < 0.05)
        #expect(r.littles < 1e-9)
    }

    @Test func md1AgreesWithPollaczekKhinchine() throws {
        let theory = QueueingTheory.md1(lambda: 60, mu: 100)
        let r = try averaged({ .markovian(arrivalRate: 60, serviceRate: 100, servers: 1, customers: 100_000, seed: $0, deterministicService: true) }, seeds: 1...4)
        #expect(relative(r.wq, theory.meanWq) < 0.05)
        #expect(relative(r.w, theory.meanW) < 0.03)
        #expect(relative(r.p99, theory.quantile(0.99)) < 0.05)
    }

    @Test func mmckBlockingAgreesWithBirthDeath() throws {
        let theory = QueueingTheory.mmck(lambda: 350, mu: 100, servers: 4, capacity: 10)
        let r = try averaged({ .markovian(arrivalRate: 350, serviceRate: 100, servers: 4, capacity: 10, customers: 100_000, seed: $0) }, seeds: 1...4)
        #expect(relative(r.blocking, theory.blocking) < 0.05)
        #expect(relative(r.w, theory.meanW) < 0.03)
        #expect(relative(r.l, theory.meanL) < 0.03)
        #expect(relative(r.p99, theory.quantile(0.99)) < 0.05)
    }

    @Test func theoryHelpersAreSelfConsistent() {
        // M/M/c/K with a huge K approaches M/M/c.
        let open = QueueingTheory.mmc(lambda: 250, mu: 100, servers: 4)
        let closed = QueueingTheory.mmck(lambda: 250, mu: 100, servers: 4, capacity: 400)
        #expect(relative(closed.meanW, open.meanW) < 1e-6)
        #expect(relative(closed.quantile(0.99), open.quantile(0.99)) < 1e-6)
        // M/D/1 p99 exceeds the mean and the tail is a probability.
        let md1 = QueueingTheory.md1(lambda: 80, mu: 100)
        #expect(md1.quantile(0.99) > md1.meanW)
        #expect(md1.tail(0) == 1)
    }
}
