import SyslabCore
import SyslabTracing

extension SystemModel {
    static let configFields = ["topology", "template", "nodes", "edges", "deadline_propagation"]
    static let nodeFields = ["servers", "queue", "service", "failing", "error_rate", "error_status", "balance", "rate_limit", "cache"]
    static let edgeFields = ["timeout", "retries", "retry", "pool", "breaker", "bulkhead", "fallback", "calls"]

    /// Reads a system:
    ///   { topology = {name=, route=, nodes={...}, edges={...}},          -- docs/topology.md
    ///     (or template = "redis-cache": a built-in template's topology)
    ///     nodes = { api = {servers=16, queue=100, service={kind="exponential", mean="5ms"},
    ///                      error_rate=0, balance="round-robin", rate_limit={rate=, burst=},
    ///                      cache={keys=, zipf=, ttl=, ttl_jitter=, warm=, coalesce=, via=, backend=}} },
    ///     edges = { ["api->db"] = {timeout="300ms", retries=2, retry={jitter="full", budget=0.1},
    ///                              pool={size=10, wait_timeout="200ms"}, breaker={...}, bulkhead=8} },
    ///     deadline_propagation = false }
    /// A topology's latencies (milliseconds) become service times; everything
    /// else has a default from the component kind.
    public init(config json: JSONValue, path: String = "system") throws {
        let o = try ConfigObject(json, path: path)
        try o.allowOnly(Self.configFields)
        let topology: Topology
        if let id = try o.optionalString("template") {
            guard !o.has("topology") else {
                throw SyslabError.invalidArgument("\(path) gives both 'template' and 'topology'; use one")
            }
            guard let template = BuiltinTemplates.template(id) else {
                throw SyslabError.notFound("\(path).template: unknown template '\(ErrorText.quoted(id))' (known: \(BuiltinTemplates.ids.joined(separator: ", ")))")
            }
            topology = template.topology
        } else {
            guard let topologyJSON = o.members["topology"], !topologyJSON.isNull else {
                throw SyslabError.invalidArgument("\(path) needs 'topology' (nodes and edges; see docs/topology.md) or 'template' (a built-in template id)")
            }
            topology = try Topology.parse(topologyJSON, path: "\(path).topology")
        }
        try self.init(topology: topology,
                      nodes: try o.optionalObject("nodes"), edges: try o.optionalObject("edges"),
                      deadlinePropagation: try o.bool("deadline_propagation", default: false), path: path)
    }

    public init(topology: Topology, nodes nodeConfig: ConfigObject? = nil, edges edgeConfig: ConfigObject? = nil,
                deadlinePropagation: Bool = false, path: String = "system") throws {
        var index: [String: Int] = [:]
        for (i, n) in topology.nodes.enumerated() { index[n.id] = i }
        var edgeIndex: [String: Int] = [:]
        for (i, e) in topology.edges.enumerated() { edgeIndex[e.id] = i }

        if let nodeConfig {
            for key in nodeConfig.members.keys.sorted() where index[key] == nil {
                throw SyslabError.notFound("\(nodeConfig.path) configures '\(ErrorText.quoted(key))', which is not a node (nodes: \(topology.nodes.map(\.id).joined(separator: ", ")))")
            }
        }
        if let edgeConfig {
            for key in edgeConfig.members.keys.sorted() where edgeIndex[key] == nil {
                throw SyslabError.notFound("\(edgeConfig.path) configures '\(ErrorText.quoted(key))', which is not an edge (edges: \(topology.edges.map(\.id).joined(separator: ", ")))")
            }
        }

        var edges: [EdgeModel] = []
        for (i, e) in topology.edges.enumerated() {
            var model = EdgeModel(
                index: i, id: e.id, from: index[e.from]!, to: index[e.to]!, mode: e.mode,
                timeout: e.timeoutMs.map { $0 / 1000 },
                retry: RetryPolicy(retries: e.retries, backoff: e.retryBackoffMs / 1000),
                calls: e.calls, fallback: e.fallback, delay: e.delayMs / 1000,
                pool: nil, breaker: nil, bulkhead: nil)
            if let c = try edgeConfig?.optionalObject(e.id) {
                try c.allowOnly(Self.edgeFields)
                if c.has("timeout") { model.timeout = try c.requiredDuration("timeout", in: 0.000_001...86_400) }
                model.retry.retries = try c.integer("retries", default: model.retry.retries, in: 0...100)
                if let r = c.members["retry"], !r.isNull { model.retry = try RetryPolicy.parse(r, base: model.retry, path: "\(c.path).retry") }
                if let p = c.members["pool"], !p.isNull { model.pool = try ConnectionPoolConfig.parse(p, path: "\(c.path).pool") }
                if let b = c.members["breaker"], !b.isNull, b != .bool(false) { model.breaker = try CircuitBreakerConfig.parse(b, path: "\(c.path).breaker") }
                if let b = c.members["bulkhead"], !b.isNull { model.bulkhead = try BulkheadConfig.parse(b, path: "\(c.path).bulkhead") }
                model.fallback = try c.bool("fallback", default: model.fallback)
                model.calls = try c.integer("calls", default: model.calls, in: 1...1000)
                if e.mode == .async, model.pool != nil || model.breaker != nil || model.bulkhead != nil || model.timeout != nil {
                    throw SyslabError.invalidArgument("\(c.path): '\(ErrorText.quoted(e.id))' is an async edge; pools, breakers, bulkheads and timeouts apply to sync calls only")
                }
            }
            edges.append(model)
        }

        var nodes: [NodeModel] = []
        for (i, n) in topology.nodes.enumerated() {
            let component = n.component
            let profile = n.effectiveLatency
            let outgoing = topology.edges.indices.filter { topology.edges[$0].from == n.id }
            var model = NodeModel(
                index: i, id: n.id, kind: n.kind,
                servers: SystemModel.defaultServers(for: component), queueLimit: Int.max,
                service: profile.healthy.scaled(by: 0.001), failing: profile.healthy.scaled(by: 0.001),
                errorRate: 0, errorStatus: component.failure.status == 0 ? 503 : component.failure.status,
                fanOut: n.fanOut, balance: nil, rateLimit: nil, cache: nil,
                syncEdges: outgoing.filter { topology.edges[$0].mode == .sync },
                asyncEdges: outgoing.filter { topology.edges[$0].mode == .async },
                cacheLookupEdge: nil, cacheBackendEdges: [], storesData: component.storesData)
            if let c = try nodeConfig?.optionalObject(n.id) {
                try c.allowOnly(Self.nodeFields)
                if let s = c.members["servers"], !s.isNull {
                    if s.stringValue == "unlimited" { model.servers = Int.max } else {
                        model.servers = try c.requiredInteger("servers", in: 1...10_000_000)
                    }
                }
                if let q = c.members["queue"], !q.isNull {
                    if q.stringValue == "unbounded" { model.queueLimit = Int.max } else {
                        model.queueLimit = try c.requiredInteger("queue", in: 0...100_000_000)
                    }
                }
                model.service = try c.distribution("service", default: model.service)
                // Errors surface at the node's normal speed unless told otherwise.
                model.failing = try c.distribution("failing", default: model.service)
                model.errorRate = try c.number("error_rate", default: 0, in: 0...1)
                model.errorStatus = try c.integer("error_status", default: model.errorStatus, in: 100...599)
                if c.has("balance") {
                    model.balance = BalancePolicy(rawValue: try c.choice("balance", BalancePolicy.allCases.map(\.rawValue), default: "round-robin"))
                    if model.syncEdges.isEmpty {
                        throw SyslabError.invalidArgument("\(c.path).balance: '\(ErrorText.quoted(n.id))' has no outgoing sync edges to balance across")
                    }
                }
                if let r = c.members["rate_limit"], !r.isNull { model.rateLimit = try TokenBucketConfig.parse(r, path: "\(c.path).rate_limit") }
                if let cacheJSON = c.members["cache"], !cacheJSON.isNull {
                    let cache = try CacheConfig.parse(cacheJSON, path: "\(c.path).cache")
                    try Self.resolveCache(cache, node: &model, edges: topology.edges, path: "\(c.path).cache")
                    model.cache = cache
                }
                if model.balance != nil, model.cache != nil {
                    throw SyslabError.invalidArgument("\(c.path): a node cannot both balance and cache; put the cache on the caller or on the replicas")
                }
            }
            nodes.append(model)
        }
        self.topology = topology
        self.nodes = nodes
        self.edges = edges
        self.entry = index[topology.entry]!
        self.deadlinePropagation = deadlinePropagation
        try checkAmplification(path: path)
    }

    /// The most calls one request can cause at any node (repetitions times
    /// attempts along every path). Beyond a million a single request would
    /// take the run hostage, so such a system is refused with the path's culprit.
    public func maximumCallsPerRequest() -> (node: String, calls: Double) {
        var incoming = Array(repeating: 0, count: nodes.count)
        for e in edges { incoming[e.to] += 1 }
        var visits = Array(repeating: 0.0, count: nodes.count)
        visits[entry] = 1
        var ready = nodes.indices.filter { incoming[$0] == 0 }
        while let n = ready.popLast() {
            for e in nodes[n].syncEdges + nodes[n].asyncEdges {
                let edge = edges[e]
                visits[edge.to] += visits[n] * Double(edge.calls) * Double(1 + edge.retry.retries)
                incoming[edge.to] -= 1
                if incoming[edge.to] == 0 { ready.append(edge.to) }
            }
        }
        let worst = visits.indices.max { visits[$0] < visits[$1] } ?? entry
        return (nodes[worst].id, visits[worst])
    }

    func checkAmplification(path: String) throws {
        let (node, calls) = maximumCallsPerRequest()
        if calls > 1_000_000 {
            throw SyslabError.limitExceeded("\(path): one request could make \(JSONValue.format(number: calls.rounded())) calls to '\(ErrorText.quoted(node))' (calls × attempts along its paths); the limit is 1000000")
        }
    }

    /// Finds the cache's lookup and backend edges among the node's sync edges.
    private static func resolveCache(_ cache: CacheConfig, node: inout NodeModel, edges: [TopologyEdge], path: String) throws {
        func edge(to target: String, role: String) throws -> Int {
            guard let e = node.syncEdges.first(where: { edges[$0].to == target }) else {
                let targets = node.syncEdges.map { edges[$0].to }
                throw SyslabError.notFound("\(path).\(role): '\(ErrorText.quoted(node.id))' has no sync edge to '\(ErrorText.quoted(target))' (it calls: \(targets.isEmpty ? "nothing" : targets.joined(separator: ", ")))")
            }
            return e
        }
        node.cacheLookupEdge = try cache.via.map { try edge(to: $0, role: "via") }
        if cache.backend.isEmpty {
            node.cacheBackendEdges = node.syncEdges.filter { $0 != node.cacheLookupEdge }
        } else {
            for target in cache.backend { _ = try edge(to: target, role: "backend") }
            // Miss-only: every call to a backend, and further calls to the cache
            // server itself (writing the value back).
            node.cacheBackendEdges = node.syncEdges.filter { e in
                e != node.cacheLookupEdge && (cache.backend.contains(edges[e].to) || edges[e].to == cache.via)
            }
        }
        if let lookup = node.cacheLookupEdge, node.cacheBackendEdges.contains(lookup) {
            throw SyslabError.invalidArgument("\(path): '\(cache.via!)' cannot be both the cache (via) and its backend")
        }
        if node.cacheBackendEdges.isEmpty {
            throw SyslabError.invalidArgument("\(path): '\(ErrorText.quoted(node.id))' has no backend to query on a miss; add an edge or name one in 'backend'")
        }
    }
}
