import SyslabCore
import SyslabTracing
import Testing
@testable import SyslabSimulation

@Suite struct RequestLogTests {
    func run(_ json: String) throws -> SimulationResult {
        try LoadTest(config: JSONValue.parse(json)).run().result
    }

    /// One entry node failing 20% of calls; every request is head-sampled and failures tail-sampled too.
    static let everyRequest = """
    {"system": {"topology": {"name": "one", "nodes": [{"id": "api", "kind": "backend"}]},
                "nodes": {"api": {"error_rate": 0.2}}},
     "workload": {"executor": "constant-arrival-rate", "rate": 50, "duration": "4s"},
     "options": {"seed": 9, "traces": {"head": 1, "errors": true, "max": 1000}}}
    """

    @Test func everyLogLineNamesAKeptTraceAndItsRootSpan() throws {
        let r = try run(Self.everyRequest)
        #expect(r.logs.count == r.traces.count)
        let traces = Dictionary(uniqueKeysWithValues: r.traces.map { ($0.traceId, $0) })
        for log in r.logs {
            let trace = try #require(traces[log.traceId], "log line with unknown trace \(log.traceId)")
            #expect(trace.root?.spanId == log.spanId)
            #expect(log.node == "api")
            #expect((log.level == "error") == (log.error != nil))
            #expect(log.level == "error" ? log.status >= 500 : log.status == 200)
        }
        // Time order.
        #expect(zip(r.logs, r.logs.dropFirst()).allSatisfy { $0.time <= $1.time })
    }

    @Test func aRequestKeptByBothSamplersIsOneTrace() throws {
        let r = try run(Self.everyRequest)
        // Every request is head-sampled, so there is exactly one trace per request.
        #expect(r.traces.count == r.completed)
        #expect(Set(r.traces.map(\.traceId)).count == r.traces.count)
        let failed = r.logs.filter { $0.level == "error" }
        #expect(failed.count == r.failed && r.failed > 0)
        #expect(failed.allSatisfy { $0.sampledBy == "head+tail:error" })
        #expect(r.logs.filter { $0.level != "error" }.allSatisfy { $0.sampledBy == "head" })
    }

    @Test func logsCarryTheActiveScenariosAndTheSlowLevel() throws {
        let r = try run("""
        {"system": {"topology": {"name": "shop", "nodes": [{"id": "api", "kind": "backend"}, {"id": "db", "kind": "postgres"}],
                                 "edges": [{"from": "api", "to": "db"}]},
                    "nodes": {"db": {"servers": 100}}},
         "workload": {"executor": "constant-arrival-rate", "rate": 100, "duration": "30s"},
         "scenarios": [{"name": "fixed-latency", "at": "10s", "duration": "10s",
                        "params": {"delay_ms": 300, "target": {"tags": ["db"]}}}],
         "options": {"seed": 4, "traces": {"head": 0.05, "slower_than": "250ms", "max": 50}}}
        """)
        let during = r.logs.filter { $0.scenarios == ["fixed-latency"] }
        let outside = r.logs.filter { $0.scenarios.isEmpty }
        #expect(!during.isEmpty && !outside.isEmpty)
        #expect(during.count + outside.count == r.logs.count)
        // Nothing fails here: slow requests log at "warn", the rest at "info".
        #expect(r.failed == 0)
        #expect(r.logs.allSatisfy { ($0.level == "warn") == ($0.latency >= 0.25) && $0.error == nil })
        // The slow ones end while the database is slow (or just after, for a call that reached it in time).
        let slow = r.logs.filter { $0.level == "warn" }
        #expect(slow.count > 10)
        for log in slow { #expect(log.time >= r.options.epoch + 10 && log.time < r.options.epoch + 21) }
        #expect(during.filter { $0.level == "warn" }.count > slow.count / 2)
    }

    @Test func noSamplingMeansNoLogs() throws {
        let r = try run("""
        {"system": {"topology": {"name": "one", "nodes": [{"id": "api", "kind": "backend"}]}},
         "workload": {"executor": "constant-arrival-rate", "rate": 50, "duration": "2s"},
         "options": {"seed": 1, "traces": {"head": 0, "errors": false}}}
        """)
        #expect(r.logs.isEmpty && r.logsJSONL.isEmpty)
    }

    @Test func linesAreJSONWithTheFieldsInOrder() throws {
        let r = try run(Self.everyRequest)
        let lines = r.logsJSONL.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == r.logs.count + 1 && lines.last == "")
        let first = String(lines[0])
        #expect(first.hasPrefix("{\"ts\":\"") && first.contains("\",\"level\":\""))
        let parsed = try JSONValue.parse(first)
        for key in ["ts", "level", "msg", "trace_id", "span_id", "node", "status", "latency_ms", "error", "scenarios", "sampled_by"] {
            #expect(parsed[key] != nil, "missing \(key)")
        }
        #expect(parsed == r.logs[0].json)
        #expect(parsed["trace_id"]?.stringValue == r.logs[0].traceId.hex)
    }

    @Test func timestampsAreRFC3339InUTC() {
        #expect(RequestLog.rfc3339(1_700_000_000) == "2023-11-14T22:13:20.000000Z")
        #expect(RequestLog.rfc3339(951_782_400.25) == "2000-02-29T00:00:00.250000Z")
        #expect(RequestLog.rfc3339(0) == "1970-01-01T00:00:00.000000Z")
        #expect(RequestLog.rfc3339(4_102_444_799.999999) == "2099-12-31T23:59:59.999999Z")
    }
}
