import Testing
import SyslabCore
@testable import SyslabTracing

@Suite("Trace generator")
struct TraceGeneratorTests {
    func topology(_ text: String) throws -> Topology { try Topology.parse(text) }

    func trace(_ text: String, variant: Variant? = nil, seed: UInt64 = 1, registry: ScenarioRegistry? = nil) throws -> Trace {
        try TraceGenerator.generate(topology: topology(text), variant: variant, options: TraceOptions(seed: seed, registry: registry))
    }

    static let fanOut = #"{"nodes": [{"id": "gw", "kind": "api-gateway", "fan_out": "parallel"}, {"id": "a", "kind": "backend"}, {"id": "b", "kind": "backend"}, {"id": "c", "kind": "backend"}], "edges": [{"from": "gw", "to": "a"}, {"from": "gw", "to": "b"}, {"from": "gw", "to": "c"}]}"#

    @Test func idsParentsAndDeterminism() throws {
        let t1 = try trace(Self.fanOut, seed: 42), t2 = try trace(Self.fanOut, seed: 42), t3 = try trace(Self.fanOut, seed: 43)
        #expect(t1 == t2)
        #expect(OTLPJSONExporter.export(t1) == OTLPJSONExporter.export(t2))
        #expect(t1.traceId != t3.traceId)
        #expect(t1.traceId.hex.count == 32 && t1.spans.allSatisfy { $0.spanId.hex.count == 16 })
        #expect(Set(t1.spans.map(\.spanId)).count == t1.spans.count)
        let root = try #require(t1.root)
        #expect(root.node == "gw" && root.parentSpanId == nil)
        #expect(t1.spans.dropFirst().allSatisfy { $0.parentSpanId == root.spanId })
    }

    @Test func parallelChildrenOverlapAndParentWaitsForSlowest() throws {
        let t = try trace(Self.fanOut)
        let kids = t.spans.dropFirst()
        let latestStart = kids.map(\.startUnixNano).max()!, earliestEnd = kids.map(\.endUnixNano).min()!
        #expect(latestStart < earliestEnd, "all three run at the same time")
        #expect(t.spans[0].endUnixNano > kids.map(\.endUnixNano).max()!)
    }

    @Test func sequentialChildrenDoNotOverlap() throws {
        let t = try trace(Self.fanOut.replacingFirst("parallel", with: "sequential"))
        let kids = Array(t.spans.dropFirst())
        for (a, b) in zip(kids, kids.dropFirst()) { #expect(a.endUnixNano <= b.startUnixNano) }
    }

    static let chain = #"{"nodes": [{"id": "web", "kind": "frontend"}, {"id": "api", "kind": "backend"}, {"id": "db", "kind": "postgres"}, {"id": "cache", "kind": "redis"}], "edges": [{"from": "web", "to": "api"}, {"from": "api", "to": "cache", "fallback": true}, {"from": "api", "to": "db", "timeout_ms": 500, "retries": 2, "retry_backoff_ms": 10}]}"#

    @Test func timeoutCutsTheCalleeAndRetriesFollow() throws {
        let v = Variant(.error, title: "", story: "", nodes: ["db": NodeBehaviour(state: .failing, latencyMs: 5000)])
        let t = try trace(Self.chain, variant: v)
        let db = t.spans.filter { $0.node == "db" }
        #expect(db.count == 3, "one attempt and two retries")
        for span in db {
            #expect(span.isError && span.status.message.contains("deadline exceeded"))
            #expect(abs(span.durationMs - 500) < 0.01, "cut at the 500 ms timeout")
        }
        #expect(db[1].attribute("http.request.resend_count") == .int(1) && db[2].attribute("http.request.resend_count") == .int(2))
        #expect(db[1].startUnixNano >= db[0].endUnixNano + 10_000_000, "backoff before the retry")
        let api = try #require(t.spans.first { $0.node == "api" })
        #expect(api.isError && api.attribute("http.response.status_code") == .int(504))
        #expect(api.events.filter { $0.name == "retry" }.count == 2)
        #expect(t.root!.isError, "the failure propagates to the entry")
    }

    @Test func fallbackContainsAFailure() throws {
        let v = Variant(.error, title: "", story: "", nodes: ["cache": NodeBehaviour(state: .failing)])
        let t = try trace(Self.chain, variant: v)
        #expect(t.spans.first { $0.node == "cache" }?.isError == true)
        #expect(t.spans.first { $0.node == "db" } != nil, "the call after the fallback still happens")
        let api = try #require(t.spans.first { $0.node == "api" })
        #expect(!api.isError && api.events.contains { $0.name == "fallback" })
    }

    @Test func failAttemptsThenRecover() throws {
        let v = Variant(.slow, title: "", story: "", nodes: ["db": NodeBehaviour(state: .failing, status: 503, failAttempts: 1)])
        let t = try trace(Self.chain, variant: v)
        let db = t.spans.filter { $0.node == "db" }
        #expect(db.map(\.isError) == [true, false])
        #expect(!t.root!.isError)
    }

    @Test func clientErrorsAreNotRetriedAndPassThrough() throws {
        let v = Variant(.error, title: "", story: "", nodes: ["db": NodeBehaviour(state: .failing, latencyMs: 5, status: 409)])
        let t = try trace(Self.chain, variant: v)
        #expect(t.spans.filter { $0.node == "db" }.count == 1)
        #expect(t.spans.first { $0.node == "api" }?.attribute("http.response.status_code") == .int(409))
    }

    @Test func failoverStopsAtFirstSuccess() throws {
        let text = #"{"nodes": [{"id": "lb", "kind": "load-balancer", "fan_out": "failover"}, {"id": "a", "kind": "backend"}, {"id": "b", "kind": "backend"}, {"id": "c", "kind": "backend"}], "edges": [{"from": "lb", "to": "a"}, {"from": "lb", "to": "b"}, {"from": "lb", "to": "c"}]}"#
        #expect(try trace(text).spans.map(\.node) == ["lb", "a"])
        let down = try trace(text, variant: Variant(.error, title: "", story: "", nodes: ["a": NodeBehaviour(state: .failing)]))
        #expect(down.spans.map(\.node) == ["lb", "a", "b"])
        #expect(!down.root!.isError)
        let allDown = try trace(text, variant: Variant(.error, title: "", story: "", nodes: [
            "a": NodeBehaviour(state: .failing), "b": NodeBehaviour(state: .failing), "c": NodeBehaviour(state: .failing)]))
        #expect(allDown.root!.isError && allDown.spans.count == 4)
    }

    @Test func asyncConsumersLinkToTheProducerAndStartAfterTheAck() throws {
        let text = #"{"nodes": [{"id": "api", "kind": "backend", "response_status": 202}, {"id": "q", "kind": "sqs"}, {"id": "w", "kind": "worker"}], "edges": [{"from": "api", "to": "q"}, {"from": "q", "to": "w", "mode": "async", "delay_ms": 400}]}"#
        let failing = Variant(.error, title: "", story: "", nodes: ["w": NodeBehaviour(state: .failing)])
        let t = try trace(text, variant: failing)
        let q = try #require(t.spans.first { $0.node == "q" }), w = try #require(t.spans.first { $0.node == "w" })
        #expect(q.kind == .producer && w.kind == .consumer)
        #expect(w.parentSpanId == q.spanId && w.links.first?.spanId == q.spanId)
        #expect(w.startUnixNano > q.endUnixNano + 100_000_000, "starts after the queue lag")
        #expect(w.isError && !t.root!.isError, "a consumer failure never reaches the caller")
        #expect(t.root!.attribute("http.response.status_code") == .int(202))
    }

    @Test func skippedEdgesAndRepeatedCalls() throws {
        let v = Variant(.slow, title: "", story: "", edges: ["api->cache": .skipped, "api->db": EdgeOverride(calls: 4)])
        let t = try trace(Self.chain, variant: v)
        #expect(t.spans.filter { $0.node == "cache" }.isEmpty)
        #expect(t.spans.filter { $0.node == "db" }.count == 4)
    }

    @Test func semanticConventionsOnSpans() throws {
        let t = try trace(Self.chain)
        let db = try #require(t.spans.first { $0.node == "db" })
        #expect(db.kind == .client && db.attribute("db.system") == "postgresql")
        #expect(t.root!.attribute("http.request.method") == "GET" && t.root!.attribute("http.route") == "/")
        #expect(t.spans.first { $0.node == "api" }?.attribute("http.response.status_code") == .int(200))
    }

    @Test func registryScenariosShapeSpans() throws {
        let registry = ScenarioRegistry(clock: ManualClock(), seed: 3)
        try registry.enable("fixed-latency", parameters: ["delay_ms": 700, "target": ["component": "redis"]])
        let base = try trace(Self.chain)
        let delayed = try trace(Self.chain, registry: registry)
        let before = base.spans.first { $0.node == "cache" }!.durationMs, after = delayed.spans.first { $0.node == "cache" }!.durationMs
        #expect(after - before > 699 && after - before < 701, "redis spans take 700 ms longer (\(before) -> \(after))")
        let cache = delayed.spans.first { $0.node == "cache" }!
        #expect(cache.attribute("syslab.scenarios") == "fixed-latency")
        #expect(cache.events.contains { $0.name == "syslab.scenario" })
        #expect(delayed.spans.first { $0.node == "api" }!.attribute("syslab.scenarios") == nil, "other components untouched")

        try registry.reset()
        try registry.enable("error-burst", parameters: ["probability": 1, "status_code": 503, "target": ["tags": ["cache"]]])
        let failed = try trace(Self.chain, registry: registry)
        #expect(failed.spans.first { $0.node == "cache" }!.isError)
        #expect(failed.spans.first { $0.node == "cache" }!.status.message.contains("503"))
    }

    @Test func spanLimitIsAnError() throws {
        let text = #"{"nodes": [{"id": "a", "kind": "backend"}, {"id": "b", "kind": "backend"}, {"id": "c", "kind": "postgres"}], "edges": [{"from": "a", "to": "b", "calls": 1000}, {"from": "b", "to": "c", "calls": 1000}]}"#
        #expect(throws: SyslabError.self) { try trace(text) }
        do { _ = try trace(text) } catch let e as SyslabError {
            #expect(e.message.contains("would exceed 50000 spans"))
        }
    }

    @Test func traceJSONRoundTrips() throws {
        let t = try TraceGenerator.generate(template: BuiltinTemplates.template("kafka-fanout")!, variant: .error)
        let again = try Trace.parse(JSONValue.parse(t.json.serialized()))
        #expect(again.traceId == t.traceId && again.template == t.template && again.variant == t.variant)
        #expect(again.spans.count == t.spans.count)
        for (a, b) in zip(again.spans, t.spans) {
            #expect(a.spanId == b.spanId && a.parentSpanId == b.parentSpanId && a.name == b.name && a.kind == b.kind)
            #expect(a.startUnixNano == b.startUnixNano && a.endUnixNano == b.endUnixNano && a.status == b.status)
            #expect(a.links == b.links && a.events.map(\.name) == b.events.map(\.name))
            // JSON numbers do not keep int/double apart; compare values as text.
            #expect(a.attributes.map { "\($0.key)=\($0.value.text)" }.sorted() == b.attributes.map { "\($0.key)=\($0.value.text)" }.sorted())
        }
        #expect(throws: SyslabError.self) { try Trace.parse(JSONValue.parse(#"{"trace_id": "xyz", "spans": []}"#)) }
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        let parts = split(separator: target, maxSplits: 1, omittingEmptySubsequences: false)
        return parts.count == 2 ? parts[0] + replacement + parts[1] : self
    }
}
