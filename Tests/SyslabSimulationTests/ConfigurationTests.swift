import Foundation
import SyslabCore
import SyslabTracing
import Testing
@testable import SyslabSimulation

/// Bad input gets a clear error naming the field, never a crash.
@Suite struct ConfigurationTests {
    func error(_ text: String) -> String {
        // Scenario names and parameters are checked when the run starts (the catalogue may hold Lua scenarios).
        do { _ = try LoadTest(config: JSONValue.parse(text)).run(); return "no error" } catch { return "\(error)" }
    }

    let topology = #""topology": {"nodes": [{"id": "api", "kind": "backend"}, {"id": "db", "kind": "postgres"}], "edges": [{"from": "api", "to": "db"}]}"#
    let workload = #""workload": {"executor": "constant-arrival-rate", "rate": 10, "duration": "1s"}"#

    @Test func namesTheOffendingField() {
        #expect(error("{\(workload)}").contains("needs 'system'"))
        #expect(error(#"{"system": {\#(topology)}}"#).contains("needs 'workload'"))
        #expect(error(#"{"system": {\#(topology), "nodes": {"web": {}}}, \#(workload)}"#).contains("'web', which is not a node"))
        #expect(error(#"{"system": {\#(topology), "nodes": {"api": {"servers": 0}}}, \#(workload)}"#).contains("system.nodes.api.servers"))
        #expect(error(#"{"system": {\#(topology), "nodes": {"api": {"serverz": 3}}}, \#(workload)}"#).contains("unknown field 'serverz'"))
        #expect(error(#"{"system": {\#(topology), "edges": {"api->db": {"pool": {"size": -1}}}}, \#(workload)}"#).contains("pool.size"))
        #expect(error(#"{"system": {\#(topology), "nodes": {"api": {"service": {"kind": "gamma"}}}}, \#(workload)}"#).contains("kind must be one of"))
        #expect(error(#"{"system": {\#(topology)}, \#(workload), "scenarios": [{"name": "no-such-thing"}]}"#).contains("unknown scenario 'no-such-thing'"))
        #expect(error(#"{"system": {\#(topology)}, \#(workload), "scenarios": [{"name": "fixed-latency", "params": {"delay_ms": -5}}]}"#).contains("delay_ms"))
        #expect(error(#"{"system": {\#(topology)}, \#(workload), "thresholds": {"http_req_duration": ["p99<3"]}}"#).contains("does not apply"))
        #expect(error(#"{"system": {"template": "no-such-template"}, \#(workload)}"#).contains("unknown template"))
        #expect(error(#"{"system": {\#(topology), "nodes": {"api": {"cache": {"backend": "nowhere"}}}}, \#(workload)}"#).contains("no sync edge to 'nowhere'"))
        #expect(error(#"{"system": {\#(topology)}, \#(workload), "extra": 1}"#).contains("unknown field 'extra'"))
    }

    @Test func templatesCanBeSimulated() throws {
        let test = try LoadTest(config: JSONValue.parse("""
        {"system": {"template": "redis-cache", "nodes": {"api": {"cache": {"via": "cache", "backend": "db", "keys": 1000, "ttl": "30s"}}}},
         "workload": {"executor": "constant-arrival-rate", "rate": 200, "duration": "20s"}}
        """))
        let r = try test.run().result
        #expect(r.failed == 0)
        let cache = r.components.first { $0.id == "api" }!.cache!
        #expect(cache.hitRatio > 0.9)
        // On a hit neither the database nor the write-back runs.
        let db = r.components.first { $0.id == "db" }!
        #expect(db.arrivals == cache.backendQueries)
    }

    @Test func everyBuiltinTemplateRuns() throws {
        for id in BuiltinTemplates.ids {
            let test = try LoadTest(config: JSONValue.parse("""
            {"system": {"template": "\(id)"}, "workload": {"executor": "constant-arrival-rate", "rate": 50, "duration": "2s"}}
            """))
            let r = try test.run().result
            #expect(r.completed > 50, "\(id) completed \(r.completed)")
        }
    }
}

@Suite struct GuardTests {
    @Test func runawayAmplificationIsRefused() throws {
        let text = """
        {"topology": {"nodes": [{"id": "a", "kind": "backend"}, {"id": "b", "kind": "backend"}, {"id": "c", "kind": "backend"}],
                      "edges": [{"from": "a", "to": "b", "calls": 1000, "retries": 3}, {"from": "b", "to": "c", "calls": 1000}]}}
        """
        #expect {
            try SystemModel(config: JSONValue.parse(text))
        } throws: { error in
            "\(error)".contains("one request could make 4000000 calls to 'c'")
        }
    }

    @Test func zeroTimeLoopsStopWithAnError() throws {
        let test = try LoadTest(config: JSONValue.parse("""
        {"system": {"topology": {"nodes": [{"id": "a", "kind": "backend"}]}, "nodes": {"a": {"service": 0}}},
         "workload": {"executor": "constant-vus", "vus": 2, "duration": "10s"}}
        """))
        var simulation = try SystemSimulation(model: test.system, workload: test.workload)
        simulation.sameInstantLimit = 20_000   // the default (1M) takes long in a debug build
        _ = simulation.run()
        #expect(simulation.failure?.message.contains("virtual time stopped advancing") == true)
    }

    @Test func maxRequestsStopsTheWorkload() throws {
        var options = SimulationOptions()
        options.maxRequests = 500
        let r = try Systems.run(try Systems.single(servers: 4, meanServiceMs: 1), Systems.rate(1000, seconds: 10), options: options)
        #expect(r.requestsStarted == 500)
        #expect(r.warnings.contains { $0.contains("max_requests") })
    }

    @Test func tooManySeriesRowsIsRefused() throws {
        #expect(throws: SyslabError.self) {
            try LoadTest(config: JSONValue.parse("""
            {"system": {"template": "simple"}, "workload": {"executor": "constant-arrival-rate", "rate": 1, "duration": "30d"},
             "options": {"interval": "1s"}}
            """)).run()
        }
    }
}
