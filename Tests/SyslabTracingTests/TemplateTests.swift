import Testing
import SyslabCore
@testable import SyslabTracing

@Suite("Built-in templates")
struct TemplateTests {
    @Test func fortyThreeInCatalogueOrder() {
        #expect(BuiltinTemplates.all.count == 43)
        #expect(BuiltinTemplates.ids == BuiltinTemplates.catalogueOrder)
        #expect(Set(BuiltinTemplates.ids).count == 43)
        for t in BuiltinTemplates.all {
            #expect(t.builtin)
            #expect(!t.description.isEmpty && !t.uses.isEmpty, "\(t.id)")
            for kind in VariantKind.allCases {
                let v = try? #require(t.variants[kind], "\(t.id) has a \(kind) variant")
                #expect(v?.title.isEmpty == false && (v?.story.count ?? 0) > 40, "\(t.id)/\(kind) tells its story")
                #expect((try? v?.validate(against: t.topology, path: "v")) != nil, "\(t.id)/\(kind) names real nodes")
            }
        }
    }

    /// The acceptance criteria: every template and variant generates; every
    /// error variant has an error span and its analysis names each failing
    /// component; no success variant has a high-severity finding.
    @Test(arguments: BuiltinTemplates.all.map(\.id))
    func acceptance(id: String) throws {
        let template = try #require(BuiltinTemplates.template(id))
        for seed: UInt64 in [1, 2, 3] {
            for kind in VariantKind.allCases {
                let trace = try TraceGenerator.generate(template: template, variant: kind, options: TraceOptions(seed: seed))
                #expect(!trace.spans.isEmpty)
                let analysis = TraceAnalyzer.analyze(trace)
                switch kind {
                case .success:
                    #expect(trace.errorSpans.isEmpty, "\(id)/success seed \(seed) has no errors")
                    let high = analysis.findings.filter { $0.severity >= .high }.map(\.title)
                    #expect(high.isEmpty, "\(id)/success seed \(seed): \(high)")
                case .error:
                    #expect(!trace.errorSpans.isEmpty, "\(id)/error has an error span")
                    let failing = template.variant(.error).nodes.filter { $0.value.state == .failing }.map(\.key)
                    let named = Set(analysis.findings.flatMap { $0.components.map(\.node) })
                    for node in failing where trace.spans.contains(where: { $0.node == node && $0.isError }) {
                        #expect(named.contains(node), "\(id)/error analysis names \(node)")
                    }
                    #expect(analysis.findings.contains { $0.rule == "error-origin" })
                case .slow:
                    break
                }
            }
        }
    }

    @Test func derivedVariantsForCustomTemplates() throws {
        let topology = try Topology.parse(#"{"nodes": [{"id": "a", "kind": "backend"}, {"id": "b", "kind": "grpc"}, {"id": "c", "kind": "postgres"}], "edges": [{"from": "a", "to": "b"}, {"from": "b", "to": "c"}]}"#)
        let t = Template(id: "custom", name: "Custom", description: "", topology: topology, variants: [])
        #expect(t.variant(.slow).nodes["c"]?.state == .slow)
        #expect(t.variant(.error).nodes["c"]?.state == .failing)
        let trace = try TraceGenerator.generate(template: t, variant: .error)
        #expect(trace.errorSpans.map(\.node).sorted() == ["a", "b", "c"])
    }

    @Test func templateJSONRoundTrip() throws {
        for t in BuiltinTemplates.all {
            var parsed = try Template.parse(JSONValue.parse(t.json.serialized()))
            parsed.builtin = true
            #expect(parsed == t, "\(t.id)")
        }
    }

    @Test func templateErrors() {
        func message(_ text: String) -> String {
            do { _ = try Template.parse(JSONValue.parse(text)); return "no error" } catch { return "\(error)" }
        }
        let topology = #""topology": {"nodes": [{"id": "a", "kind": "backend"}, {"id": "b", "kind": "redis"}], "edges": [{"from": "a", "to": "b"}]}"#
        #expect(message(#"{"id": "Bad Id", "#+topology+"}").contains("template id 'Bad Id' must be"))
        #expect(message(#"{"id": "x", "variants": {"error": {"nodes": {"bb": {"state": "failing"}}}}, "#+topology+"}").contains("names 'bb', which is not a node of the topology (did you mean 'b'?)"))
        #expect(message(#"{"id": "x", "variants": {"weird": {}}, "#+topology+"}").contains("unknown member 'weird'"))
        #expect(message(#"{"id": "x", "variants": {"slow": {"nodes": {"b": {"state": "slow", "status": 500}}}}, "#+topology+"}").contains("need state 'failing'"))
        #expect(message(#"{"id": "x", "variants": {"slow": {"edges": {"a->b": {"delay_ms": 5}}}}, "#+topology+"}").contains("delay_ms applies to async edges only"))
        #expect(message(#"{"id": "x"}"#).contains("needs 'topology'"))
    }
}
