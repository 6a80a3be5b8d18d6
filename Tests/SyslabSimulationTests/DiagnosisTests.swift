import SyslabCore
import Testing
@testable import SyslabSimulation

/// The diagnosis names the root cause from observations alone: the first
/// finding is about the node a failure was aimed at, with the right kind,
/// consequences follow it, and quiet runs give no warning.
@Suite struct DiagnosisTests {
    /// web -> api -> db, with a retrying, timing-out api->db edge.
    static func chain(retries: Int = 0) throws -> SystemModel {
        try SystemModel(config: JSONValue.parse("""
        {"topology": {"name": "chain", "nodes": [{"id": "web", "kind": "backend"}, {"id": "api", "kind": "backend"},
                                                  {"id": "db", "kind": "postgres"}],
                      "edges": [{"from": "web", "to": "api"}, {"from": "api", "to": "db"}]},
         "nodes": {"web": {"servers": 64, "service": {"kind": "exponential", "mean": "2ms"}},
                   "api": {"servers": 32, "service": {"kind": "exponential", "mean": "3ms"}},
                   "db": {"servers": 16, "service": {"kind": "exponential", "mean": "5ms"}}},
         "edges": {"api->db": {"timeout": "2s", "retries": \(retries)}}}
        """))
    }

    static func aimed(_ name: String, _ params: String, at node: String, from: Double = 20, for duration: Double = 20) throws -> ScheduledScenario {
        var p = try JSONValue.parse(params)
        if case .object(var o) = p { o["target"] = ["tags": [.string(node)]]; p = .object(o) }
        return ScheduledScenario(name: name, parameters: p, at: from, duration: duration)
    }

    static func diagnose(_ model: SystemModel, _ scenario: ScheduledScenario, rate: Double = 100,
                         workload: Workload? = nil) throws -> (SimulationResult, [Finding]) {
        let r = try Systems.run(model, workload ?? Systems.rate(rate, seconds: 60), scenarios: [scenario])
        return (r, Diagnosis.findings(for: r))
    }

    /// No finding may read what the simulator injected.
    static func fromEvidenceOnly(_ findings: [Finding], _ scenario: String) {
        for f in findings {
            #expect(!f.title.contains(scenario) && !f.evidence.contains(scenario) && !f.title.contains("acted on"), "\(f.title)")
        }
    }

    @Test func slowerDatabaseIsTheRootNotItsCallers() throws {
        // +200 ms on each db call at 100 req/s: db needs 100 x 0.205 = 20.5
        // servers of its 16, so it saturates and api, holding its servers
        // while it waits, follows. db's self time is what rose.
        let (r, findings) = try Self.diagnose(try Self.chain(), try Self.aimed("fixed-latency", #"{"delay_ms": 200}"#, at: "db"))
        let first = try #require(findings.first)
        #expect(first.node == "db" && first.kind == "latency-origin" && first.role == .rootCause, "\(first.title)")
        #expect(first.severity == .critical)
        #expect(first.start == r.phases[1].start && first.end == r.phases[1].end)
        #expect(r.phases[1].components[2].meanService > 0.2 && r.phases[0].components[2].meanService < 0.01)
        // Consequences come after the root, and the symptom last in the phase.
        let during = findings.filter { $0.start == r.phases[1].start }
        #expect(during.last?.kind == "symptom")
        #expect(during.dropFirst().dropLast().allSatisfy { $0.role != .symptom })
        Self.fromEvidenceOnly(findings, "fixed-latency")
    }

    @Test func errorsAreTracedToWhereTheyStart() throws {
        // db fails 30% of its calls; api retries twice, so db sees more calls
        // and web sees failures that all started at db.
        let (r, findings) = try Self.diagnose(try Self.chain(retries: 2), try Self.aimed("error-burst", #"{"probability": 0.3}"#, at: "db"))
        let first = try #require(findings.first)
        #expect(first.node == "db" && first.kind == "error-origin", "\(first.title)")
        let during = r.phases[1]
        let db = during.components[2], api = during.components[1], web = during.components[0]
        #expect(db.originated == db.failed && db.failed > 500)
        #expect(api.originated == 0 && api.propagated == api.failed && api.failed > 0)
        #expect(web.originated == 0 && web.propagated == web.failed)
        // 1 + 0.3 + 0.09 attempts per call to db: the retries are a consequence.
        #expect(findings.contains { $0.kind == "retries" && $0.node == "db" && $0.role == .consequence })
        Self.fromEvidenceOnly(findings, "error-burst")
    }

    @Test func partitionedNodeIsUnreachableNotSaturated() throws {
        // Half of api's calls to db never arrive: api sees connect failures,
        // db's arrivals fall by half.
        let partition = try Self.aimed("network-partition", #"{"cross_fraction": 0.5, "behaviour": "error"}"#, at: "db")
        let (r, findings) = try Self.diagnose(try Self.chain(), partition)
        let first = try #require(findings.first)
        #expect(first.node == "db" && first.kind == "unreachable", "\(first.title)")
        let during = r.phases[1].edges[1], before = r.phases[0].edges[1]
        #expect(before.unreached == 0 && Double(during.unreached) / Double(during.attempts) > 0.4)
        #expect(r.phases[1].components[2].arrivalRate < 0.6 * r.phases[0].components[2].arrivalRate)
        #expect(!findings.contains { $0.kind == "saturation" && $0.node == "db" })
        Self.fromEvidenceOnly(findings, "network-partition")
    }

    @Test func poolWaitWithIdleServersIsPoolExhaustion() throws {
        // 4 connections held 50 ms serve 80 calls/s; 100 arrive.
        let pool = try Self.aimed("connection-pool-exhaustion", #"{"pool_size": 4, "hold_ms": 50, "acquire_timeout_ms": 1000}"#, at: "db")
        let (r, findings) = try Self.diagnose(try Self.chain(), pool)
        let first = try #require(findings.first)
        #expect(first.node == "db" && first.kind == "pool-exhaustion", "\(first.title)")
        #expect(r.phases[1].components[2].meanResourceWait > 0.1)
        Self.fromEvidenceOnly(findings, "connection-pool-exhaustion")
    }

    @Test func extraQueriesAreTheCallersDoing() throws {
        // N+1 aimed at api: each api call makes 5 more queries to db. db does
        // more work, but per query nothing changed there; api multiplies it.
        let nPlusOne = try Self.aimed("n-plus-one-query", #"{"items": 5, "query_ms": 1}"#, at: "api")
        let (r, findings) = try Self.diagnose(try Self.chain(), nPlusOne, rate: 50)
        let first = try #require(findings.first)
        #expect(first.node == "api" && first.kind == "amplification", "\(first.title)")
        let before = r.phases[0].edges[1], during = r.phases[1].edges[1]
        #expect(Double(during.attempts) / Double(before.attempts) > 4)
        Self.fromEvidenceOnly(findings, "n-plus-one-query")
    }

    @Test func slowConsumerLagsBehind() throws {
        // api hands each request to worker (4 servers, 20 ms) through a queue:
        // 100 messages/s use half of it. +30 ms per message needs 5 servers,
        // so messages wait: worker's self time is the root, its lag follows.
        let model = try SystemModel(config: JSONValue.parse("""
        {"topology": {"name": "queue", "nodes": [{"id": "api", "kind": "backend"}, {"id": "worker", "kind": "worker"}],
                      "edges": [{"from": "api", "to": "worker", "mode": "async"}]},
         "nodes": {"api": {"servers": 64, "service": "2ms"}, "worker": {"servers": 4, "service": {"kind": "exponential", "mean": "20ms"}}}}
        """))
        let (r, findings) = try Self.diagnose(model, try Self.aimed("fixed-latency", #"{"delay_ms": 30}"#, at: "worker"))
        let first = try #require(findings.first)
        #expect(first.node == "worker" && first.kind == "latency-origin", "\(first.title)")
        #expect(findings.contains { $0.node == "worker" && $0.kind == "consumer-lag" && $0.role == .consequence })
        #expect(r.phases[1].components[1].meanLag > 10 * max(r.phases[0].components[1].meanLag, 0.001))
    }

    @Test func moreLoadIsNamedAsTheCauseNotTheInertScenario() throws {
        // 100 req/s, then 300 for the middle 20 s, with a 0 ms delay on api
        // all along the middle third. db's 2 servers of 6 ms serve 333/s, so
        // its utilisation goes from 0.3 to 0.9 and its queue grows.
        let model = try SystemModel(config: JSONValue.parse("""
        {"topology": {"name": "pair", "nodes": [{"id": "api", "kind": "backend"}, {"id": "db", "kind": "postgres"}],
                      "edges": [{"from": "api", "to": "db"}]},
         "nodes": {"api": {"servers": 200, "service": "2ms"}, "db": {"servers": 2, "service": {"kind": "exponential", "mean": "6ms"}}}}
        """))
        let stages = [Stage(target: 100, duration: 20), Stage(target: 300, duration: 1),
                      Stage(target: 300, duration: 19), Stage(target: 100, duration: 1),
                      Stage(target: 100, duration: 19)]
        let workload = Workload(executor: .rampingArrivalRate(startRate: 100, stages: stages))
        let (_, findings) = try Self.diagnose(model, try Self.aimed("fixed-latency", #"{"delay_ms": 0}"#, at: "api"), workload: workload)
        let first = try #require(findings.first)
        #expect(first.kind == "load-change" && first.role == .rootCause, "\(first.title)")
        #expect(findings.contains { $0.kind == "saturation" && $0.node == "db" && $0.role == .consequence })
        Self.fromEvidenceOnly(findings, "fixed-latency")
    }

    @Test func quietRunsHaveNoWarnings() throws {
        // An inert scenario and no change in load: nothing for users to see.
        for seed: UInt64 in 1...3 {
            let r = try Systems.run(try Self.chain(), Systems.rate(100, seconds: 60),
                                    scenarios: [try Self.aimed("fixed-latency", #"{"delay_ms": 0}"#, at: "api")], seed: seed)
            let serious = Diagnosis.findings(for: r).filter { $0.severity != .info }
            #expect(serious.isEmpty, "seed \(seed): \(serious.map(\.title))")
        }
        let none = try Systems.run(try Self.chain(), Systems.rate(100, seconds: 30))
        #expect(Diagnosis.findings(for: none).filter { $0.severity != .info }.isEmpty)
    }

    @Test func injectedSectionIsApartFromTheDiagnosis() throws {
        let (r, findings) = try Self.diagnose(try Self.chain(), try Self.aimed("error-burst", #"{"probability": 0.3}"#, at: "db"))
        let json = r.json(diagnosis: findings)
        #expect(json["effects"] == nil, "effects live under injected")
        let injected = try #require(json["injected"])
        #expect(injected["effects"]?["error-burst"]?["error"]?.doubleValue ?? 0 > 100)
        let phases = try #require(injected["phases"]?.arrayValue)
        #expect(phases[1]["effects"]?["db"]?.doubleValue ?? 0 > 100 && phases[0]["effects"]?["db"] == nil)
        #expect(json["components"]?.arrayValue?.allSatisfy { $0["effects"] == nil } == true)
        let first = try #require(json["diagnosis"]?.arrayValue?.first)
        #expect(first["kind"] == "error-origin" && first["node"] == "db" && first["role"] == "root-cause")
        let text = SummaryText.render(r, diagnosis: findings)
        #expect(text.contains("injected (what the simulator applied") && text.contains("effects on db"))
    }
}
