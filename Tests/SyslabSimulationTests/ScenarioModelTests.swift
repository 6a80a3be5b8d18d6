import Foundation
import SyslabCore
import Testing
@testable import SyslabSimulation

/// Each scenario's symptom in the simulator is the one its learning notes
/// promise, in numbers: queueing theory where it applies.
@Suite struct ScenarioModelTests {
    static func scenario(_ name: String, _ params: String, at: Double, for duration: Double) throws -> ScheduledScenario {
        ScheduledScenario(name: name, parameters: try JSONValue.parse(params), at: at, duration: duration)
    }

    /// One node, `servers` servers, a constant service time.
    static func single(servers: Int, serviceMs: Double, queue: String = "\"unbounded\"", kind: String = "backend") throws -> SystemModel {
        try SystemModel(config: JSONValue.parse("""
        {"topology": {"name": "single", "nodes": [{"id": "api", "kind": "\(kind)"}]},
         "nodes": {"api": {"servers": \(servers), "queue": \(queue), "service": \(serviceMs / 1000)}}}
        """))
    }

    static func uniform(_ rate: Double, seconds: Double) -> Workload {
        Workload(executor: .constantArrivalRate(rate: rate, duration: seconds), arrivals: .uniform)
    }

    @Test func effectsAreDecidedWhenTheWorkStarts() throws {
        // One server, 10 ms per call: it serves 100 calls/s. 150 calls/s arrive,
        // so a queue grows by 50/s. error-burst fails every call from 5 s to
        // 10 s. Decided when the server takes a call, it fails exactly the calls
        // served in that window, 100/s x 5 s = 500, not the 750 that arrived then;
        // the calls still queued at 10 s are served normally.
        let model = try Self.single(servers: 1, serviceMs: 10)
        let burst = try Self.scenario("error-burst", #"{"probability": 1}"#, at: 5, for: 5)
        let r = try Systems.run(model, Self.uniform(150, seconds: 20), scenarios: [burst])
        let injected = r.causes["injected_error"] ?? 0
        #expect(abs(injected - 500) <= 2, "injected errors \(injected), expected 100/s x 5 s = 500")
        #expect(r.components[0].effects == injected)
        let after = try #require(r.phases.last)
        #expect(after.name == "after")
        #expect(after.components[0].effects == 0)
        #expect((after.components[0].causes["injected_error"] ?? 0) <= 1, "after-phase injected errors: \(after.components[0].causes)")
        #expect(after.requests > 1_000)
    }

    @Test func threadPoolExhaustionIsABoundedQueueWith503s() throws {
        // threads = 8, each blocked 500 ms: the pool serves 8 / 0.5 = 16 calls/s.
        // 40 calls/s arrive for 40 s. A request waits at most queue_timeout = 2 s
        // for a thread, so by time t the pool has accepted 16 x (t + 2) of them:
        // 16 x 42 = 672 of 1,600, and 928 get a 503 after waiting 2 s. No
        // accepted request takes longer than 2 s + 0.5 s + its 5 ms of work, and
        // the node's own 64 servers never queue (about 16 x 0.505 = 8 are busy).
        let model = try Self.single(servers: 64, serviceMs: 5)
        let pool = try Self.scenario("thread-pool-exhaustion", #"{"threads": 8, "blocking_ms": 500, "queue_timeout_ms": 2000}"#, at: 10, for: 40)
        let r = try Systems.run(model, Self.uniform(40, seconds: 60), scenarios: [pool])
        let rejected = r.statuses[503] ?? 0
        #expect(abs(Double(rejected) - 928) / 928 < 0.02, "503s \(rejected), expected 40 x 40 - 16 x 42 = 928")
        #expect(r.failed == rejected)
        #expect(r.latency.max < 2.55, "slowest request \(r.latency.max) s, bound 2 s + 0.505 s")
        let during = r.phases[1]
        #expect(during.name == "during thread-pool-exhaustion")
        let api = during.components[0]
        #expect(api.meanQueue < 0.01, "the node's own queue: \(api.meanQueue)")
        let busy = try #require(api.utilisation) * 64
        #expect(abs(busy - 16 * 0.505) / (16 * 0.505) < 0.06, "busy servers \(busy), expected 8.08")
        // Once it ends, requests take their 5 ms again.
        let after = r.phases[2]
        #expect(after.failures == 0)
        #expect(after.latency.p99 < 0.01, "after p99 \(after.latency.p99)")
    }

    /// api -> db, both with room to spare; the edge has a 300 ms timeout.
    static func apiDB(edgeTimeout: String? = "300ms") throws -> SystemModel {
        let timeout = edgeTimeout.map { #""timeout": "\#($0)""# } ?? ""
        return try SystemModel(config: JSONValue.parse("""
        {"topology": {"name": "api-db", "nodes": [{"id": "api", "kind": "backend"}, {"id": "db", "kind": "postgres"}],
                      "edges": [{"from": "api", "to": "db"}]},
         "nodes": {"api": {"servers": 1000, "service": "2ms"}, "db": {"servers": 32, "service": "10ms"}},
         "edges": {"api->db": {\(timeout)}}}
        """))
    }

    @Test func partitionedCallsNeverReachTheCallee() throws {
        // Half of the calls into db cross a partition from 10 s to 30 s. Those
        // never reach db: its arrival rate halves (200 -> 100/s) and so does its
        // utilisation (200 x 10 ms / 32 = 6.25% -> 3.1%). The caller sees its own
        // 300 ms timeout, shorter than the 1 s connect timeout.
        let partition = try Self.scenario("network-partition",
            #"{"cross_fraction": 0.5, "connect_timeout_ms": 1000, "target": {"tags": ["db"]}}"#, at: 10, for: 20)
        let r = try Systems.run(try Self.apiDB(), Self.uniform(200, seconds: 40), scenarios: [partition])
        let before = r.phases[0], during = r.phases[1], after = r.phases[2]
        #expect(during.name == "during network-partition")
        let dbBefore = before.components[1], dbDuring = during.components[1]
        #expect(abs(dbDuring.arrivalRate - 100) / 100 < 0.06, "db arrivals during: \(dbDuring.arrivalRate)/s")
        #expect(try #require(dbDuring.utilisation) < 0.6 * #require(dbBefore.utilisation),
                "db utilisation \(dbBefore.utilisation) -> \(dbDuring.utilisation)")
        #expect(dbDuring.failed == 0)
        #expect(abs(during.failureRate - 0.5) < 0.04, "failure rate during \(during.failureRate)")
        #expect(r.causes["timeout"] == r.failed)
        // A failed request's trace ends at api: its call never reached db.
        var options = SimulationOptions()
        options.tailErrors = true
        let traced = try Systems.run(try Self.apiDB(), Self.uniform(200, seconds: 40), scenarios: [partition], options: options)
        let failedTraces = traced.traces.filter { $0.spans.contains { $0.status != .ok } }
        #expect(failedTraces.count > 5)
        #expect(failedTraces.allSatisfy { $0.spans.map(\.node) == ["api"] }, "\(failedTraces.map { $0.spans.map(\.node) })")
        // A failed request took the edge timeout plus api's 2 ms.
        #expect(during.latency.max < 0.31 && during.latency.max > 0.29, "slowest during: \(during.latency.max)")
        #expect(after.failures == 0)
        #expect(after.latency.p99 < 0.02)
    }

    @Test func partitionWithoutACallerTimeoutFailsAtTheConnectTimeout() throws {
        // No edge timeout: the caller waits the 1 s connect timeout; with
        // behaviour = error the connection is refused at once. db sees nothing.
        for (behaviour, latency) in [("timeout", 1.0), ("error", 0.0)] {
            let partition = try Self.scenario("network-partition",
                #"{"cross_fraction": 1, "behaviour": "\#(behaviour)", "connect_timeout_ms": 1000, "target": {"tags": ["db"]}}"#, at: 5, for: 10)
            let r = try Systems.run(try Self.apiDB(edgeTimeout: nil), Self.uniform(100, seconds: 20), scenarios: [partition])
            let during = r.phases[1]
            #expect(during.components[1].arrivals == 0, "\(behaviour): db arrivals \(during.components[1].arrivals)")
            #expect(abs(during.failureRate - 1) < 0.01)
            #expect(abs(during.latency.p50 - (latency + 0.002)) < 0.01, "\(behaviour): p50 \(during.latency.p50)")
            let cause = behaviour == "error" ? "connect_failed" : "timeout"
            #expect(r.causes[cause] == r.failed, "\(behaviour): causes \(r.causes)")
        }
    }

    @Test func partitionedEntryIsNeverReachedByTheClient() throws {
        // The client cannot reach api: refused connections fail at once and
        // api does no work; once the partition heals, nothing is left over.
        let partition = try Self.scenario("network-partition",
            #"{"cross_fraction": 1, "behaviour": "error", "target": {"tags": ["api"]}}"#, at: 5, for: 10)
        var options = SimulationOptions()
        options.headSampling = 1
        options.tailErrors = true
        let r = try Systems.run(try Self.apiDB(), Self.uniform(100, seconds: 20), scenarios: [partition], options: options)
        let during = r.phases[1], after = r.phases[2]
        #expect(during.components[0].arrivals == 0)
        // Requests that never reached api leave no trace; the others keep theirs.
        #expect(!r.traces.isEmpty && r.traces.allSatisfy { !$0.spans.isEmpty })
        #expect(abs(during.failureRate - 1) < 0.01)
        #expect(r.causes["connect_failed"] == r.failed)
        #expect(abs(Double(r.failed) - 1000) <= 2, "failed \(r.failed), expected 100/s x 10 s")
        #expect(after.failures == 0)
        #expect(after.latency.p99 < 0.02)
    }

    @Test func poolExhaustionFailsAtItsAcquireTimeout() throws {
        // connection-pool-exhaustion on db: 10 connections held 100 ms serve
        // 100 queries/s. 250/s arrive for 20 s; a query waits at most the 1 s
        // acquire timeout, so by time t the pool has granted 100 x (t + 1):
        // 2,100 of 5,000, and 2,900 fail with 503 after waiting 1 s. Nothing
        // takes longer than 1 s + the 2 ms + 10 ms of work.
        let pool = try Self.scenario("connection-pool-exhaustion",
            #"{"pool_size": 10, "hold_ms": 100, "acquire_timeout_ms": 1000, "target": {"tags": ["db"]}}"#, at: 10, for: 20)
        let r = try Systems.run(try Self.apiDB(edgeTimeout: nil), Self.uniform(250, seconds: 40), scenarios: [pool])
        let rejected = r.statuses[503] ?? 0
        #expect(abs(Double(rejected) - 2_900) / 2_900 < 0.02, "503s \(rejected), expected 250 x 20 - 100 x 21 = 2,900")
        #expect(r.failed == rejected)
        #expect(r.latency.max < 1.02, "slowest request \(r.latency.max) s, bound 1 s + 12 ms")
        let during = r.phases[1]
        #expect(during.components[1].meanQueue < 0.01, "db's own queue: \(during.components[1].meanQueue)")
        #expect(r.phases[2].failures == 0)
    }

    @Test func clientPoolWaitTimeoutFailsTheCallsItImplies() throws {
        // A client pool of 10 connections on api->db, each held for db's 100 ms:
        // 100 calls/s get through. At 250/s the queue for a connection fills
        // to its 1 s wait timeout, so 150/s fail with pool_timeout (60%), none
        // waits longer than 1 s, and no request takes longer than 1 s + 102 ms.
        let model = try SystemModel(config: JSONValue.parse("""
        {"topology": {"nodes": [{"id": "api", "kind": "backend"}, {"id": "db", "kind": "postgres"}],
                      "edges": [{"from": "api", "to": "db"}]},
         "nodes": {"api": {"servers": 1000, "service": "2ms"}, "db": {"servers": 100, "service": "100ms"}},
         "edges": {"api->db": {"pool": {"size": 10, "wait_timeout": "1s"}}}}
        """))
        let r = try Systems.run(model, Self.uniform(250, seconds: 30))
        #expect(abs(r.failureRate - 0.6) < 0.02, "failure rate \(r.failureRate), expected 1 - 100/250")
        #expect(r.causes["pool_timeout"] == r.failed)
        #expect(r.latency.max < 1.11, "slowest request \(r.latency.max)")
        #expect(r.edges[0].poolUtilisation > 0.95)
    }

    @Test func utilisationIsAFractionOrNotApplicable() throws {
        // 4 servers of 10 ms mean at 300 calls/s: rho = 300 / (4 x 100) = 0.75.
        // An unlimited node has no capacity to use up: "n/a", not a busy count.
        let limited = try Systems.run(try Systems.single(servers: 4, meanServiceMs: 10), Systems.rate(300, seconds: 100))
        let rho = try #require(limited.components[0].utilisation)
        #expect(abs(rho - 0.75) < 0.02, "utilisation \(rho), expected 0.75")
        let model = try SystemModel(config: JSONValue.parse("""
        {"topology": {"nodes": [{"id": "api", "kind": "backend"}]},
         "nodes": {"api": {"servers": "unlimited", "service": "100ms"}}}
        """))
        let unlimited = try Systems.run(model, Self.uniform(200, seconds: 10))
        #expect(unlimited.components[0].utilisation == nil)
        #expect(unlimited.phases.allSatisfy { $0.components[0].utilisation == nil })
        #expect(unlimited.components[0].json["utilisation"]?.stringValue == "n/a")
        #expect(unlimited.seriesCSV.split(separator: "\n")[1].split(separator: ",")[9] == "n/a")
        #expect(SummaryText.render(unlimited).contains("n/a"))
    }

    @Test func aPhaseWithoutCompletionsSaysSo() throws {
        // A 50 s delay from 10 s to 20 s at 100 requests/s; the run stops 5 s
        // after the last start, so none of the 1,000 requests of that phase
        // completes: the phase reports 1,000 started, 0 completed, no latency.
        let model = try SystemModel(config: JSONValue.parse("""
        {"topology": {"nodes": [{"id": "api", "kind": "backend"}]},
         "nodes": {"api": {"servers": "unlimited", "service": "5ms"}}}
        """))
        let slow = try Self.scenario("fixed-latency", #"{"delay_ms": 50000}"#, at: 10, for: 10)
        let workload = Workload(executor: .constantArrivalRate(rate: 100, duration: 20), arrivals: .uniform, gracefulStop: 5)
        let r = try Systems.run(model, workload, scenarios: [slow])
        let during = r.phases[1]
        #expect(during.noCompletions)
        #expect(during.started == 1_000)
        #expect(during.unfinished == 1_000)
        #expect(during.json["latency"] == .null)
        #expect(during.json["failure_rate"] == .null)
        #expect(r.phases[0].started == 1_000 && r.phases[0].requests == 1_000 && !r.phases[0].noCompletions)
        #expect(SummaryText.render(r).contains("no request completed (1000 started)"))
    }

    @Test func untargetedDatabaseScenarioActsOnDatabaseCallsOnly() throws {
        // slow-db-query without a target adds 100 ms to each database call:
        // db's service goes from 10 ms to 110 ms, api's stays at 2 ms, so a
        // request takes 2 + 110 = 112 ms (not 2 x 100 ms more).
        let slow = try Self.scenario("slow-db-query", #"{"delay_ms": 100, "stddev_ms": 0}"#, at: 5, for: 10)
        let r = try Systems.run(try Self.apiDB(edgeTimeout: nil), Self.uniform(50, seconds: 20), scenarios: [slow])
        let during = r.phases[1]
        let api = during.components[0], db = during.components[1]
        #expect(api.effects == 0)
        #expect(db.effects == db.arrivals && db.arrivals > 400)
        // Phase means are within a call or two of the phase's edges.
        #expect(abs(api.meanService - 0.002) / 0.002 < 0.02, "api service \(api.meanService)")
        #expect(abs(db.meanService - 0.110) / 0.110 < 0.02, "db service \(db.meanService)")
        #expect(abs(during.latency.p50 - 0.112) < 0.002, "p50 \(during.latency.p50)")
    }

    @Test func nPlusOneQueryAimedAtTheDatabaseRunsTheExtraQueries() throws {
        // 25 items, one query each of 4 ms, on db itself (targeted, and
        // untargeted, which reaches database calls only): db works 10 + 25 x 4
        // = 110 ms per call, a request takes 112 ms, and db's utilisation rises
        // from 50 x 10 ms / 32 = 1.6% to 50 x 110 ms / 32 = 17%.
        for params in [#"{"items": 25, "query_ms": 4, "target": {"tags": ["db"]}}"#, #"{"items": 25, "query_ms": 4}"#] {
            let n1 = try Self.scenario("n-plus-one-query", params, at: 5, for: 10)
            let r = try Systems.run(try Self.apiDB(edgeTimeout: nil), Self.uniform(50, seconds: 20), scenarios: [n1])
            let before = r.phases[0], during = r.phases[1]
            let db = during.components[1]
            #expect(during.components[0].effects == 0)
            #expect(abs(db.meanService - 0.110) / 0.110 < 0.02, "\(params): db service \(db.meanService)")
            #expect(abs(during.latency.p50 - 0.112) < 0.002, "\(params): p50 \(during.latency.p50)")
            let util = try #require(db.utilisation), baseUtil = try #require(before.components[1].utilisation)
            #expect(abs(util - 50 * 0.110 / 32) < 0.01 && abs(baseUtil - 50 * 0.010 / 32) < 0.003,
                    "\(params): db utilisation \(baseUtil) -> \(util)")
        }
    }

    @Test func nPlusOneQueryAimedAtTheCallerStillReachesTheDatabase() throws {
        // Targeted at api, the extra queries are 25 more api->db calls per request.
        let n1 = ScheduledScenario(name: "n-plus-one-query", parameters: try JSONValue.parse(#"{"items": 25, "target": {"tags": ["api"]}}"#), at: 0)
        let r = try Systems.run(try Self.apiDB(edgeTimeout: nil), Self.uniform(50, seconds: 20), scenarios: [n1])
        #expect(r.completed == 1_000 && r.failed == 0)
        let perRequest = Double(r.components[1].arrivals) / Double(r.components[0].arrivals)
        #expect(abs(perRequest - 26) < 0.1, "db calls per request \(perRequest)")
    }
}
