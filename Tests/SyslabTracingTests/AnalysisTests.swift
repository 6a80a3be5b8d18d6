import Testing
import SyslabCore
@testable import SyslabTracing

@Suite("Trace analysis")
struct AnalysisTests {
    func analyze(_ id: String, _ variant: VariantKind, seed: UInt64 = 1) throws -> TraceAnalysis {
        TraceAnalyzer.analyze(try TraceGenerator.generate(template: BuiltinTemplates.template(id)!, variant: variant,
                                                          options: TraceOptions(seed: seed)))
    }

    func rule(_ a: TraceAnalysis, _ name: String) -> Finding? { a.findings.first { $0.rule == name } }

    @Test func criticalPathAndSlowSpan() throws {
        let a = try analyze("simple", .slow)
        let cp = try #require(rule(a, "critical-path"))
        #expect(cp.title.hasPrefix("db (postgres) dominates the critical path"))
        #expect(a.criticalPath.map(\.span.node) == ["web", "api", "db"])
        let total = a.criticalPath.reduce(0) { $0 + $1.ms }
        #expect(abs(total - a.responseMs) < 0.01, "shares add up to the response time")
        let slow = try #require(rule(a, "slow-span"))
        #expect(slow.severity == .high && slow.components.map(\.node) == ["db"])
    }

    @Test func errorPropagationWithoutTimeout() throws {
        let a = try analyze("simple", .error)
        let origin = try #require(rule(a, "error-origin"))
        #expect(origin.severity == .critical && origin.components.first?.node == "db")
        #expect(origin.detail.contains("db → api → web"))
        let unprotected = try #require(rule(a, "unprotected-propagation"))
        #expect(unprotected.severity == .high && unprotected.detail.contains("api → db"))
        #expect(a.findings.first?.severity == .critical, "most severe first")
    }

    @Test func sequentialCallsCouldBeParallel() throws {
        let a = try analyze("step-functions-saga", .success)
        let f = try #require(rule(a, "sequential-calls"))
        #expect(f.title.contains("order-saga made 3 calls one after another"))
        #expect((f.metrics["saving_ms"] ?? 0) > 50)
    }

    @Test func wideFanOut() throws {
        var nodes: [JSONValue] = [["id": "gw", "kind": "api-gateway", "fan_out": "parallel"]]
        var edges: [JSONValue] = []
        for i in 0..<12 {
            nodes.append(["id": .string("svc-\(i)"), "kind": "backend"])
            edges.append(["from": "gw", "to": .string("svc-\(i)")])
        }
        let t = try TraceGenerator.generate(topology: Topology.parse(["nodes": .array(nodes), "edges": .array(edges)]))
        let f = try #require(rule(TraceAnalyzer.analyze(t), "wide-fan-out"))
        #expect(f.severity == .medium && f.metrics["concurrent_calls"] == 12)
    }

    @Test func nPlusOne() throws {
        let f = try #require(rule(try analyze("graphql-federation", .slow), "repeated-calls"))
        #expect(f.severity == .high && f.metrics["calls"] == 12)
        #expect(f.title.contains("orders-subgraph called db (postgres) 12 times"))
    }

    @Test func retriesAndRecovery() throws {
        let a = try analyze("sms-notification", .slow)
        let f = try #require(rule(a, "retries"))
        #expect(f.severity == .low && f.title.contains("3 times: 2 failed, the last succeeded"))
        #expect(rule(a, "error-origin")?.severity == .low, "a recovered failure is low")
        let all = try #require(rule(try analyze("background-jobs", .error), "retries"))
        #expect(all.severity == .medium && all.title.contains("all failed"))
    }

    @Test func asyncAcknowledgedButConsumerFailed() throws {
        let a = try analyze("sqs-async", .error)
        let f = try #require(rule(a, "async-failure-after-ack"))
        #expect(f.severity == .high && f.title.contains("api answered 202 but report-worker (worker) failed"))
        #expect(!a.rootFailed)
    }

    @Test func orphanedWrite() throws {
        let f = try #require(rule(try analyze("upload-s3", .error), "partial-write"))
        #expect(f.severity == .high && Set(f.components.map(\.node)) == ["s3", "db", "api"])
        let diverged = try #require(rule(try analyze("search-sync", .error), "partial-write"))
        #expect(diverged.title.contains("db (postgres) was written but search (elasticsearch) failed"))
    }

    @Test func contained4xxIsNotCritical() throws {
        let waf = try #require(rule(try analyze("waf-owasp", .error), "error-origin"))
        #expect(waf.severity == .medium && waf.components.first?.node == "waf")
        let throttled = try #require(rule(try analyze("lambda-api-gateway", .error), "error-origin"))
        #expect(throttled.severity == .critical, "a dependency throttling us is our outage")
    }

    @Test func queueLag() throws {
        let f = try #require(rule(try analyze("sqs-async", .slow), "queue-lag"))
        #expect(f.severity >= .medium && (f.metrics["lag_ms"] ?? 0) > 5000)
    }

    @Test func jsonAndTextForms() throws {
        let a = try analyze("kafka-fanout", .error)
        let json = a.json
        #expect(json["summary"]?["highest_severity"] == "high")
        let findings = try #require(json["findings"]?.arrayValue)
        #expect(findings.allSatisfy { $0["evidence"]?["span_ids"]?.arrayValue?.isEmpty == false })
        #expect(a.text.contains("[HIGH]") && a.text.contains("payment-worker"))
    }

    @Test func worksOnTracesWithoutSyslabAttributes() throws {
        var t = try TraceGenerator.generate(template: BuiltinTemplates.template("simple")!, variant: .error)
        for i in t.spans.indices { t.spans[i].attributes.removeAll { $0.key.hasPrefix("syslab.") } }
        let a = TraceAnalyzer.analyze(t)
        #expect(rule(a, "error-origin")?.components.first?.node == "db")
    }
}
