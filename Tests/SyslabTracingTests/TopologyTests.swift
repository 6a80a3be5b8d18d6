import Testing
import SyslabCore
@testable import SyslabTracing

@Suite("Topology")
struct TopologyTests {
    static let simple = """
    {"name": "simple", "route": "/api/login", "method": "post",
     "nodes": [{"id": "web", "kind": "frontend"}, {"id": "api", "kind": "backend", "fan_out": "parallel"},
               {"id": "db", "kind": "postgres"}, {"id": "cache", "kind": "redis"}],
     "edges": [{"from": "web", "to": "api", "timeout_ms": 3000},
               {"from": "api", "to": "db", "operation": "SELECT users", "retries": 2},
               {"from": "api", "to": "cache", "fallback": true}]}
    """

    @Test func parsesAndDerivesEntry() throws {
        let t = try Topology.parse(Self.simple)
        #expect(t.entry == "web")
        #expect(t.method == "POST")
        #expect(t.nodes.count == 4)
        #expect(t.outgoing("api").map(\.to) == ["db", "cache"])
        #expect(t.node("api")?.fanOut == .parallel)
        #expect(t.edge("api->db")?.retries == 2)
        #expect(t.edge("web->api")?.timeoutMs == 3000)
        #expect(Set(t.leaves.map(\.id)) == ["db", "cache"])
    }

    @Test func jsonRoundTrips() throws {
        let t = try Topology.parse(Self.simple)
        let again = try Topology.parse(t.json)
        #expect(again == t)
        #expect(try Topology.parse(JSONValue.parse(t.json.serialized())) == t)
    }

    func error(_ text: String) -> String {
        do {
            _ = try Topology.parse(text)
            return "no error"
        } catch let e as SyslabError {
            return e.message
        } catch {
            return "\(error)"
        }
    }

    @Test func unknownKindSuggests() {
        let m = error(#"{"nodes": [{"id": "a", "kind": "frontend"}, {"id": "b", "kind": "postgress"}], "edges": [{"from": "a", "to": "b"}]}"#)
        #expect(m.contains("unknown component kind 'postgress'"))
        #expect(m.contains("did you mean 'postgres'?"))
    }

    @Test func danglingEdge() {
        let m = error(#"{"nodes": [{"id": "a", "kind": "frontend"}, {"id": "db", "kind": "postgres"}], "edges": [{"from": "a", "to": "dbb"}]}"#)
        #expect(m.contains("dangling edge 'a->dbb': 'to' names 'dbb', which is not a node (did you mean 'db'?)"), "\(m)")
    }

    @Test func syncCycle() {
        let m = error(#"{"entry": "a", "nodes": [{"id": "a", "kind": "frontend"}, {"id": "b", "kind": "backend"}, {"id": "c", "kind": "grpc"}], "edges": [{"from": "a", "to": "b"}, {"from": "b", "to": "c"}, {"from": "c", "to": "b"}]}"#)
        #expect(m.contains("cycle of sync calls: b -> c -> b"), "\(m)")
    }

    @Test func asyncCycleIsNamedDifferently() {
        let m = error(#"{"entry": "a", "nodes": [{"id": "a", "kind": "backend"}, {"id": "q", "kind": "sqs"}, {"id": "w", "kind": "worker"}], "edges": [{"from": "a", "to": "q"}, {"from": "q", "to": "w", "mode": "async"}, {"from": "w", "to": "q"}]}"#)
        #expect(m.contains("cycle through async edges: q -> w -> q"), "\(m)")
    }

    @Test func duplicateIds() {
        #expect(error(#"{"nodes": [{"id": "a", "kind": "frontend"}, {"id": "a", "kind": "backend"}]}"#)
            .contains("duplicate node id 'a' (nodes[0] and nodes[1])"))
        #expect(error(#"{"nodes": [{"id": "a", "kind": "frontend"}, {"id": "b", "kind": "backend"}], "edges": [{"from": "a", "to": "b"}, {"from": "a", "to": "b"}]}"#)
            .contains("duplicate edge id 'a->b'"))
    }

    @Test func entryAndReachability() {
        #expect(error(#"{"nodes": [{"id": "a", "kind": "frontend"}, {"id": "b", "kind": "backend"}]}"#)
            .contains("several nodes have no incoming edge (a, b)"))
        #expect(error(#"{"entry": "a", "nodes": [{"id": "a", "kind": "frontend"}, {"id": "b", "kind": "backend"}]}"#)
            .contains("node 'b' cannot be reached from the entry 'a'"))
        #expect(error(#"{"entry": "zz", "nodes": [{"id": "a", "kind": "frontend"}]}"#).contains("entry 'zz' is not a node"))
    }

    @Test func fieldErrorsNameThePath() {
        #expect(error(#"{"nodes": [{"id": "a", "kind": "frontend", "colour": 1}]}"#)
            .contains("topology.nodes[0] has unknown member 'colour'"))
        #expect(error(#"{"nodes": [{"id": "a", "kind": "frontend"}, {"id": "b", "kind": "backend"}], "edges": [{"from": "a", "to": "b", "retries": 99}]}"#)
            .contains("topology.edges[0] ('a->b').retries must be in [0, 10], got 99"))
        #expect(error(#"{"nodes": [{"id": "a", "kind": "frontend"}, {"id": "b", "kind": "backend"}], "edges": [{"from": "a", "to": "b", "mode": "later"}]}"#)
            .contains("mode must be sync or async, got 'later'"))
        #expect(error(#"{"nodes": []}"#).contains("topology has no nodes"))
        #expect(error(#"{"nodes": [{"id": "a b", "kind": "frontend"}]}"#).contains("may only contain"))
        #expect(error(#"[1]"#).contains("topology must be an object, got array"))
        #expect(error(#"{"nodes": [{"id": "a", "kind": "frontend"}, {"id": "b", "kind": "backend"}], "edges": [{"from": "a", "to": "a"}]}"#)
            .contains("to itself"))
    }

    @Test func latencyOverride() throws {
        let t = try Topology.parse(#"{"nodes": [{"id": "a", "kind": "backend", "latency_ms": {"healthy": 40, "slow": {"type": "uniform", "min": 1, "max": 2}}}]}"#)
        let latency = try #require(t.node("a")?.latency)
        #expect(latency.healthy == .lognormal(mean: 40, stddev: 10))
        #expect(latency.slow == .uniform(min: 1, max: 2))
        #expect(latency.failing == ComponentCatalogue.kind("backend")!.latency.failing)
        #expect(error(#"{"nodes": [{"id": "a", "kind": "backend", "latency_ms": {"healthy": {"type": "gamma"}}}]}"#)
            .contains("unknown distribution type 'gamma'"))
    }
}

@Suite("Component catalogue")
struct ComponentCatalogueTests {
    @Test func fortyComponentsInTwelveCategories() {
        #expect(ComponentCatalogue.all.count == 40)
        #expect(Set(ComponentCatalogue.ids).count == 40)
        for category in ComponentCategory.allCases {
            #expect(!ComponentCatalogue.kinds(in: category).isEmpty, "\(category)")
        }
        let counts = Dictionary(grouping: ComponentCatalogue.all, by: \.category).mapValues(\.count)
        #expect(counts[.clients] == 2 && counts[.edge] == 4 && counts[.services] == 5 && counts[.dataStores] == 5)
        #expect(counts[.ai] == 1 && counts[.messaging] == 3 && counts[.external] == 4 && counts[.observability] == 3)
        #expect(counts[.infra] == 2 && counts[.serverless] == 7 && counts[.security] == 1 && counts[.containers] == 3)
    }

    @Test func semanticConventionAttributes() {
        #expect(ComponentCatalogue.kind("postgres")?.attributes["db.system"] == "postgresql")
        #expect(ComponentCatalogue.kind("kafka")?.attributes["messaging.system"] == "kafka")
        #expect(ComponentCatalogue.kind("grpc")?.attributes["rpc.system"] == "grpc")
        #expect(ComponentCatalogue.kind("lambda")?.attributes["cloud.platform"] == "aws_lambda")
        for kind in ComponentCatalogue.all {
            #expect(kind.latency.healthy.mean < kind.latency.slow.mean, "\(kind.id): slow is slower than healthy")
        }
    }
}
