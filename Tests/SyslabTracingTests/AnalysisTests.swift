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

    // MARK: thresholds from the latency profile

    /// A success trace of api → llm (and api ⇒ worker, async), then `llm`'s
    /// and `worker`'s own work stretched by the given milliseconds.
    func stretched(llm: String, worker: String, llmStep: Double, workerStep: Double) throws -> TraceAnalysis {
        let topology = try Topology.parse("""
        {"nodes": [{"id": "api", "kind": "backend", "latency_ms": {"healthy": {"type": "normal", "mean": 5, "stddev": 1}}},
                   {"id": "llm", "kind": "llm-api", "latency_ms": {"healthy": \(llm)}},
                   {"id": "worker", "kind": "worker", "latency_ms": {"healthy": \(worker)}}],
         "edges": [{"from": "api", "to": "llm"}, {"from": "api", "to": "worker", "mode": "async"}]}
        """)
        var t = try TraceGenerator.generate(topology: topology, options: TraceOptions(seed: 3))
        func stretch(_ node: String, by ms: Double) {
            let i = t.spans.firstIndex { $0.node == node }!
            let delta = UInt64(ms * 1e6)
            let start = t.spans[i].startUnixNano, end = t.spans[i].endUnixNano
            t.spans[i].endUnixNano += delta
            // Everything that ended after it started (its callers, later spans) moves by the same step.
            for j in t.spans.indices where j != i {
                if t.spans[j].startUnixNano >= end { t.spans[j].startUnixNano += delta }
                if t.spans[j].endUnixNano >= start { t.spans[j].endUnixNano += delta }
            }
        }
        stretch("llm", by: llmStep)
        stretch("worker", by: workerStep)
        return TraceAnalyzer.analyze(t)
    }

    @Test func slowSpanThresholdFollowsTheProfile() throws {
        let tight = #"{"type": "normal", "mean": 2000, "stddev": 100}"#
        let quiet = #"{"type": "normal", "mean": 400, "stddev": 50}"#
        // Unchanged: nothing is slow.
        let healthy = try stretched(llm: tight, worker: quiet, llmStep: 0, workerStep: 0)
        #expect(rule(healthy, "slow-span") == nil && rule(healthy, "slow-consumer") == nil)
        // +1 s on a 2 s call with a 100 ms spread is far outside the profile (the old fixed 4x missed it).
        let step = try #require(rule(try stretched(llm: tight, worker: quiet, llmStep: 1000, workerStep: 0), "slow-span"))
        #expect(step.components.map(\.node) == ["llm"] && step.severity == .medium)
        #expect(abs((step.metrics["ratio"] ?? 0) - 1.5) < 0.2, "ratio \(step.metrics)")
        // The same step on an exponential 2 s service (stddev 2 s) is within its normal range.
        let wide = #"{"type": "exponential", "mean": 2000}"#
        let noisy = try stretched(llm: wide, worker: quiet, llmStep: 1000, workerStep: 0)
        #expect(rule(noisy, "slow-span") == nil)
    }

    @Test func slowAsyncConsumer() throws {
        let tight = #"{"type": "normal", "mean": 2000, "stddev": 100}"#
        let quiet = #"{"type": "normal", "mean": 400, "stddev": 50}"#
        // 800 ms on a worker whose profile is 400 ± 50 ms.
        let a = try stretched(llm: tight, worker: quiet, llmStep: 0, workerStep: 400)
        let f = try #require(rule(a, "slow-consumer"))
        #expect(f.components.map(\.node) == ["worker"] && f.severity == .medium)
        // 400 + 3.5 x 50 = 575 ms: a +400 ms step is well past it.
        #expect(f.metrics["threshold_ms"] == 575 && (f.metrics["ratio"] ?? 0) >= 1.6, "\(f.metrics)")
        #expect(rule(a, "slow-span") == nil, "an async consumer is reported once, by its own rule")
    }
}
