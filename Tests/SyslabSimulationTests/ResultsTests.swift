import Foundation
import SyslabCore
import Testing
@testable import SyslabSimulation

@Suite struct ResultsTests {
    /// One run shared by every test here (debug builds are slow).
    static let shared = Result { () throws -> LoadTestReport in
        let test = try LoadTest(config: JSONValue.parse("""
        {"system": {"topology": {"name": "shop", "nodes": [{"id": "api", "kind": "backend"}, {"id": "db", "kind": "postgres"}],
                                 "edges": [{"from": "api", "to": "db"}]},
                    "edges": {"api->db": {"pool": 5}}},
         "workload": {"executor": "constant-arrival-rate", "rate": 100, "duration": "30s"},
         "scenarios": [{"name": "error-burst", "at": "10s", "duration": "10s", "params": {"target": {"tags": ["db"]}}}],
         "thresholds": {"http_req_duration": ["p(99)<1000", "avg<1"], "http_req_failed": ["rate<0.5"],
                        "utilisation{node:db}": ["value<0.99"]},
         "options": {"seed": 3, "traces": {"head": 0.05, "errors": true, "max": 20}}}
        """))
        return try test.run()
    }

    func run() throws -> LoadTestReport { try Self.shared.get() }

    @Test func thresholdsAreJudged() throws {
        let report = try run()
        #expect(report.thresholds.count == 4)
        let avg = report.thresholds.first { $0.threshold.expression == "avg<1" }!
        #expect(!avg.passed)  // the average is more than 1 ms
        #expect(report.thresholds.first { $0.threshold.expression == "p(99)<1000" }!.passed)
        #expect(!report.passed)
        #expect(report.failedThresholds.count == 1)
    }

    @Test func thresholdExpressionsParse() throws {
        let t = try Threshold.parse(metric: "http_req_duration", expression: "p(99.9) <= 250", path: "t")
        #expect(t.aggregation == "p(99.9)" && t.comparison == .lessOrEqual && t.limit == 250)
        #expect(throws: SyslabError.self) { try Threshold.parse(metric: "http_req_duration", expression: "rate<1", path: "t") }
        #expect(throws: SyslabError.self) { try Threshold.parse(metric: "nope", expression: "avg<1", path: "t") }
        #expect(throws: SyslabError.self) { try Threshold.parse(metric: "http_req_failed", expression: "rate 0.1", path: "t") }
        #expect(throws: SyslabError.self) { try Threshold.parse(metric: "http_req_failed", expression: "rate<abc", path: "t") }
    }

    @Test func phasesShowBeforeDuringAfter() throws {
        let r = try run().result
        #expect(r.phases.map(\.name) == ["before", "during error-burst", "after"])
        #expect(r.phases[0].failures == 0 && r.phases[2].failures == 0)
        #expect(r.phases[1].failures > 0)
        #expect(r.effects["error-burst"]?["error"] ?? 0 > 0)
    }

    @Test func jsonIsVersionedAndComplete() throws {
        let report = try run()
        let json = report.json
        #expect(json["format"] == "syslab.loadtest")
        #expect(json["version"] == 3)
        for key in ["requests", "latency", "latency_uncorrected", "components", "edges", "phases", "thresholds", "diagnosis", "littles_law"] {
            #expect(json[key] != nil, "missing \(key)")
        }
        #expect(json["latency"]?["p99.9"]?.doubleValue != nil)
        // Round-trips through the JSON parser.
        #expect(try JSONValue.parse(json.serialized()) == json)
    }

    @Test func csvHasOneRowPerSecond() throws {
        let csv = try run().result.seriesCSV
        let lines = csv.split(separator: "\n")
        #expect(lines.count >= 31)  // a last, partial row covers requests finishing after 30 s
        #expect(lines[0].hasPrefix("time_s,started,completed,failed,p50_ms"))
        #expect(lines[0].contains("db_utilisation") && lines[0].contains("api->db_pool_wait_ms"))
        #expect(lines[15].hasSuffix("error-burst"))
        let columns = lines[0].split(separator: ",").count
        for line in lines { #expect(line.split(separator: ",", omittingEmptySubsequences: false).count == columns) }
    }

    @Test func tracesAreSampledAndWellFormed() throws {
        let r = try run().result
        #expect(!r.traces.isEmpty)
        #expect(r.traces.count <= 40)
        for trace in r.traces {
            let root = trace.root!
            #expect(root.node == "api")
            #expect(trace.spans.allSatisfy { $0.endUnixNano >= $0.startUnixNano })
            // Every parent exists in the trace.
            let ids = Set(trace.spans.map(\.spanId))
            #expect(trace.spans.allSatisfy { $0.parentSpanId == nil || ids.contains($0.parentSpanId!) })
        }
        #expect(r.traces.contains { $0.spans.contains(where: \.isError) })
    }

    @Test func littlesLawHoldsPerComponent() throws {
        let r = try run().result
        for entry in r.littlesLaw { #expect(entry.error < 0.02, "\(entry.node): L \(entry.measured) vs λW \(entry.predicted)") }
    }

    @Test func summaryTextNamesTheEssentials() throws {
        let text = try run().summary
        for needle in ["http_req_duration", "p(99)=", "http_req_failed", "phases", "during error-burst", "components", "thresholds", "✗ http_req_duration: avg<1"] {
            #expect(text.contains(needle), "summary lacks \(needle)")
        }
    }
}
