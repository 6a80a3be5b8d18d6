import SyslabCore
import Testing
@testable import SyslabSimulation

@Suite struct QueueingSimulationTests {
    @Test func sameSeedSameResult() throws {
        let model = QueueingModel.markovian(arrivalRate: 80, serviceRate: 100, servers: 1, customers: 5_000, seed: 7)
        let a = try QueueingSimulation(model).run(), b = try QueueingSimulation(model).run()
        #expect(a.json == b.json)
        var other = model
        other.seed = 8
        #expect(try QueueingSimulation(other).run().meanW != a.meanW)
    }

    @Test func countsEveryArrival() throws {
        let r = try QueueingSimulation(.markovian(arrivalRate: 500, serviceRate: 100, servers: 2, capacity: 3, customers: 10_000, seed: 1)).run()
        #expect(r.arrivals == 10_000)
        #expect(r.accepted + r.blocked == 10_000)
        #expect(r.blocked > 0)
        #expect(r.timeInSystem.count == r.accepted)
        #expect(r.utilisation > 0.9 && r.utilisation <= 1)
    }

    @Test func rejectsBadModels() {
        #expect(throws: SyslabError.self) { try QueueingSimulation(.markovian(arrivalRate: 100, serviceRate: 100, servers: 1, customers: 10, seed: 1)) }
        #expect(throws: SyslabError.self) { try QueueingSimulation(.markovian(arrivalRate: 10, serviceRate: 100, servers: 0, customers: 10, seed: 1)) }
        #expect(throws: SyslabError.self) { try QueueingSimulation(.markovian(arrivalRate: 10, serviceRate: 100, servers: 4, capacity: 2, customers: 10, seed: 1)) }
        #expect(throws: SyslabError.self) { try QueueingSimulation(.markovian(arrivalRate: 10, serviceRate: 100, servers: 1, customers: 0, seed: 1)) }
        #expect(throws: SyslabError.self) {
            try QueueingSimulation(QueueingModel(interarrival: .exponential(mean: .nan), service: .constant(0.01), servers: 1, customers: 10, seed: 1))
        }
        // An overloaded queue is fine when it is bounded.
        #expect(throws: Never.self) { try QueueingSimulation(.markovian(arrivalRate: 1000, serviceRate: 100, servers: 1, capacity: 5, customers: 10, seed: 1)) }
    }

    @Test func eventQueueIsFIFOAmongEqualTimes() {
        var q = EventQueue<Int>()
        for i in 0..<100 { q.schedule(at: Double(i % 3), i) }
        var last = (-1.0, -1)
        while let e = q.next() {
            #expect(e.time > last.0 || (e.time == last.0 && e.payload > last.1))
            last = (e.time, e.payload)
        }
    }

    @Test func timeAverageIsAreaOverTime() {
        var t = TimeAverage()
        t.set(2, at: 1)   // 0 on [0,1)
        t.set(0, at: 3)   // 2 on [1,3)
        #expect(t.mean(at: 4) == 1)
        #expect(t.peak == 2)
    }

    @Test func histogramPercentilesArePrecise() {
        var h = LatencyHistogram()
        for i in 1...10_000 { h.record(Double(i) * 1e-4) }  // 0.1 ms .. 1 s
        #expect(abs(h.percentile(50) - 0.5) / 0.5 < 0.002)
        #expect(abs(h.percentile(99) - 0.99) / 0.99 < 0.002)
        #expect(h.percentile(100) == 1.0)
        #expect(abs(h.mean - 0.50005) < 1e-9)
    }
}
