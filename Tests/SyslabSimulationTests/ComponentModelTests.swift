import Foundation
import SyslabCore
import Testing
@testable import SyslabSimulation

/// Each component model shows its textbook symptom in a small system.
@Suite struct ComponentModelTests {
    @Test func slowDatabaseExhaustsTheConnectionPool() throws {
        // 300 req/s, db calls hold a pooled connection; doubling the db's time
        // with a delay scenario pushes pool demand past its 10 connections.
        let model = try Systems.apiDB(poolSize: 10)
        let slow = ScheduledScenario(name: "fixed-latency", parameters: try JSONValue.parse(#"{"delay_ms": 30, "target": {"tags": ["db"]}}"#), at: 10, duration: 10)
        let r = try Systems.run(model, Systems.rate(300, seconds: 30), scenarios: [slow])
        #expect(r.phases.map(\.name) == ["before", "during fixed-latency", "after"])
        let before = r.phases[0].edges[0], during = r.phases[1].edges[0]
        #expect(before.meanPoolWait < 0.002)
        #expect(during.meanPoolWait > 0.05, "pool wait during: \(during.meanPoolWait)")
        #expect(during.poolUtilisation > 0.95)
        #expect(r.phases[1].latency.p99 > 5 * r.phases[0].latency.p99)
        let findings = Diagnosis.findings(for: r)
        #expect(findings.contains { $0.title.contains("connection pool api->db is exhausted") })
    }

    @Test func retriesMultiplyLoadOnAFailingDependency() throws {
        // Half of the db's calls fail; with 3 retries each call reaches the db
        // 1 + p + p² + p³ = 1.875 times on average.
        var m = try Systems.apiDB(dbServers: 200, poolSize: 200, retries: 3)
        m.nodes[1].errorRate = 0.5
        let r = try Systems.run(m, Systems.rate(200, seconds: 60))
        let db = r.components[1]
        let perRequest = Double(db.arrivals) / Double(r.completed)
        #expect(abs(perRequest - 1.875) < 0.05, "db calls per request \(perRequest)")
        // Failing after all retries: p^4 = 6.25%.
        #expect(abs(r.failureRate - 0.0625) < 0.01)
        #expect(r.edges[0].retries == db.arrivals - r.completed)
    }

    @Test func retryBudgetCapsAmplification() throws {
        var m = try Systems.apiDB(dbServers: 200, poolSize: 200, retries: 3)
        m.nodes[1].errorRate = 0.5
        m.edges[0].retry.budgetRatio = 0.1
        let r = try Systems.run(m, Systems.rate(200, seconds: 60))
        let perRequest = Double(r.components[1].arrivals) / Double(r.completed)
        #expect(perRequest < 1.15, "budgeted db calls per request \(perRequest)")
        #expect(r.edges[0].retryBudgetDenied > 0)
    }

    @Test func cacheStampedeAtExpiry() throws {
        // A warm cache whose keys all expire at 10 s: backend queries spike then.
        func run(jitter: Double, coalesce: Bool) throws -> SimulationResult {
            let model = try SystemModel(config: JSONValue.parse("""
            {"topology": {"nodes": [{"id": "api", "kind": "backend"}, {"id": "db", "kind": "postgres"}],
                          "edges": [{"from": "api", "to": "db"}]},
             "nodes": {"api": {"servers": 500, "service": "1ms",
                               "cache": {"keys": 100, "zipf": 1, "ttl": "10s", "ttl_jitter": \(jitter), "coalesce": \(coalesce)}},
                       "db": {"servers": 500, "service": "50ms"}}}
            """))
            return try Systems.run(model, Systems.rate(1000, seconds: 20))
        }
        let herd = try run(jitter: 0, coalesce: false)
        let spike = herd.series.map { $0.cacheBackend[0] }.max() ?? 0
        let quiet = herd.series[5].cacheBackend[0]
        #expect(quiet == 0)
        #expect(spike > 40, "backend queries in the worst second: \(spike)")
        let coalesced = try run(jitter: 0, coalesce: true)
        let coalescedSpike = coalesced.series.map { $0.cacheBackend[0] }.max() ?? 0
        #expect(coalescedSpike <= 100, "one query per key at most: \(coalescedSpike)")
        #expect(coalescedSpike < spike)
        #expect(coalesced.components[0].cache!.coalesced > 0)
        let jittered = try run(jitter: 0.5, coalesce: false)
        let jitterSpike = jittered.series.map { $0.cacheBackend[0] }.max() ?? 0
        #expect(jitterSpike < spike)
    }

    @Test func circuitBreakerFailsFastWhileOpen() throws {
        var m = try Systems.apiDB(dbServers: 200, poolSize: 200, extraEdge: #", "breaker": {"failure_ratio": 0.5, "window": 20, "open_for": "2s", "probes": 2}"#)
        m.nodes[1].errorRate = 1
        let r = try Systems.run(m, Systems.rate(100, seconds: 20))
        let e = r.edges[0]
        #expect(e.breakerRejections > 1000, "rejections \(e.breakerRejections)")
        // While open the db is spared: far fewer db calls than requests.
        #expect(r.components[1].arrivals < r.completed / 4)
        #expect(r.causes["breaker_open"] ?? 0 > 0)
    }

    @Test func fallbackAbsorbsBreakerAndBulkheadRefusals() throws {
        // Calls failed fast by the caller's own breaker or bulkhead are still
        // failures of the call: a fallback on the edge turns them into
        // degraded answers, so no request fails.
        var broken = try Systems.apiDB(dbServers: 200, poolSize: 200,
                                       extraEdge: #", "fallback": true, "breaker": {"failure_ratio": 0.5, "window": 20, "open_for": "2s", "probes": 2}"#)
        broken.nodes[1].errorRate = 1
        let open = try Systems.run(broken, Systems.rate(100, seconds: 20))
        #expect(open.edges[0].breakerRejections > 1000, "rejections \(open.edges[0].breakerRejections)")
        #expect(open.edges[0].fallbacks == open.edges[0].breakerRejections + open.components[1].arrivals,
                "fallbacks \(open.edges[0].fallbacks)")
        #expect(open.failed == 0)
        let crowded = try Systems.apiDB(dbServers: 100, poolSize: 100, extraEdge: #", "fallback": true, "bulkhead": 2"#)
        let full = try Systems.run(crowded, Systems.rate(800, seconds: 10))
        #expect(full.edges[0].bulkheadRejections > 0)
        #expect(full.edges[0].fallbacks == full.edges[0].bulkheadRejections)
        #expect(full.failed == 0)
    }

    @Test func tokenBucketRejectsAboveItsRate() throws {
        let model = try SystemModel(config: JSONValue.parse("""
        {"topology": {"nodes": [{"id": "api", "kind": "backend"}]},
         "nodes": {"api": {"servers": 100, "service": "1ms", "rate_limit": {"rate": 100, "burst": 10}}}}
        """))
        let r = try Systems.run(model, Systems.rate(200, seconds: 30))
        let accepted = Double(r.completed - r.failed) / 30
        #expect(abs(accepted - 100) < 5, "accepted \(accepted)/s")
        #expect(r.statuses[429] ?? 0 > 2500)
    }

    @Test func boundedQueueRejectsWhenFull() throws {
        let model = try SystemModel(config: JSONValue.parse("""
        {"topology": {"nodes": [{"id": "api", "kind": "backend"}]},
         "nodes": {"api": {"servers": 2, "queue": 5, "service": {"kind": "exponential", "mean": "10ms"}}}}
        """))
        let r = try Systems.run(model, Systems.rate(300, seconds: 60))
        // M/M/2/7 blocking probability from the birth-death chain.
        let theory = QueueingTheory.mmck(lambda: 300, mu: 100, servers: 2, capacity: 7)
        #expect(abs(r.failureRate - theory.blocking) / theory.blocking < 0.08, "blocking \(r.failureRate) vs \(theory.blocking)")
        #expect(r.causes["queue_full"] == r.failed)
    }

    @Test func timeoutsWasteWorkUnlessDeadlinesPropagate() throws {
        // The db is overloaded; callers time out after 50 ms. Without deadline
        // propagation the db still does the abandoned work.
        func run(_ propagate: Bool) throws -> SimulationResult {
            let m = try Systems.apiDB(dbServers: 4, poolSize: 1000, timeout: "50ms", propagation: propagate)
            return try Systems.run(m, Systems.rate(900, seconds: 20))
        }
        let wasteful = try run(false), propagating = try run(true)
        #expect(wasteful.edges[0].timeouts > 1000)
        #expect(propagating.causes["deadline_exceeded"] ?? 0 > 0 || propagating.components[1].causes["deadline_exceeded"] ?? 0 > 0)
        // With propagation the db skips work nobody waits for, so more requests succeed.
        #expect(propagating.failureRate < wasteful.failureRate)
    }

    @Test func loadBalancerSpreadsCalls() throws {
        for policy in ["round-robin", "least-connections", "random"] {
            let model = try SystemModel(config: JSONValue.parse("""
            {"topology": {"nodes": [{"id": "lb", "kind": "load-balancer"}, {"id": "a", "kind": "backend"},
                                    {"id": "b", "kind": "backend"}, {"id": "c", "kind": "backend"}],
                          "edges": [{"from": "lb", "to": "a"}, {"from": "lb", "to": "b"}, {"from": "lb", "to": "c"}]},
             "nodes": {"lb": {"balance": "\(policy)"}}}
            """))
            let r = try Systems.run(model, Systems.rate(300, seconds: 20))
            let counts = r.components.dropFirst().map(\.arrivals)
            #expect(counts.reduce(0, +) == r.components[0].arrivals)
            for n in counts { #expect(abs(Double(n) / Double(r.completed) - 1.0 / 3) < 0.03, "\(policy): \(counts)") }
        }
    }

    @Test func bulkheadRejectsBeyondItsCompartment() throws {
        let m = try Systems.apiDB(dbServers: 100, poolSize: 100, extraEdge: #", "bulkhead": 2"#)
        let r = try Systems.run(m, Systems.rate(800, seconds: 10))
        #expect(r.edges[0].bulkheadRejections > 0)
        #expect(r.causes["bulkhead_full"] == r.edges[0].bulkheadRejections)
    }

    @Test func asyncEdgesBuildConsumerLag() throws {
        let model = try SystemModel(config: JSONValue.parse("""
        {"topology": {"nodes": [{"id": "api", "kind": "backend"}, {"id": "queue", "kind": "kafka"}, {"id": "worker", "kind": "worker"}],
                      "edges": [{"from": "api", "to": "queue"}, {"from": "queue", "to": "worker", "mode": "async", "delay_ms": 5}]},
         "nodes": {"worker": {"servers": 1, "service": {"kind": "exponential", "mean": "9ms"}}}}
        """))
        let r = try Systems.run(model, Systems.rate(100, seconds: 60))
        let worker = r.components[2]
        #expect(worker.consumed > 5000)
        // The consumer is an M/M/1 queue at ρ = 0.9: mean wait ρ/(μ-λ) = 81 ms, plus the 5 ms hand-off.
        #expect(worker.meanLag > 0.04 && worker.meanLag < 0.2, "lag \(worker.meanLag)")
        // The producer does not wait for the consumer.
        #expect(r.latency.p99 < 0.1)
    }
}

@Suite struct CapacityEffectTests {
    @Test func capacityEffectShrinksPoolsAndServersThenRecovers() throws {
        // A Lua-free scenario emitting capacity 0.2 on the db for 10 s.
        let registry = ScenarioRegistry(scenarios: BuiltinCatalogue.all + [Scenario(
            name: "shrink", category: "test", summary: "capacity 20%",
            notes: LearningNotes(whatHappens: "", howToObserve: "", howToMitigate: ""),
            parameters: [], metrics: [], effectKinds: [.capacity]
        ) { _, emit in emit(Effect(kind: .capacity, amount: 0.2)) }])
        let model = try Systems.apiDB(dbServers: 10, poolSize: 10)
        let shrink = ScheduledScenario(name: "shrink", parameters: try JSONValue.parse(#"{"target": {"tags": ["db"]}}"#), at: 10, duration: 10)
        let r = try Systems.run(model, Systems.rate(300, seconds: 30), scenarios: [shrink], registry: registry)
        let before = r.phases[0], during = r.phases[1], after = r.phases[2]
        // 10 connections held ~5 ms each at 300/s: 1.5 busy. Shrunk to 2, both stay
        // busy: in use ≈ 20% of the configured size, with a queue behind them.
        #expect(during.edges[0].poolUtilisation > 0.15 && during.edges[0].poolUtilisation <= 0.2001)
        #expect(during.edges[0].meanPoolWait > 10 * max(before.edges[0].meanPoolWait, 1e-5))
        // After the scenario the full pool is back.
        #expect(after.edges[0].meanPoolWait < during.edges[0].meanPoolWait / 10)
    }
}
