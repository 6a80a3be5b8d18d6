import SyslabCore

/// The three variants every template has.
public enum VariantKind: String, Sendable, CaseIterable {
    case success, slow, error
}

/// How one node behaves in a variant.
public struct NodeBehaviour: Sendable, Equatable {
    public var state: NodeState
    /// About how long the node's own work takes (overrides the state's distribution).
    public var latencyMs: Double?
    /// Status on failure (HTTP, or gRPC code for gRPC components); default the component's.
    public var status: Int?
    public var errorType: String?
    public var message: String?
    /// Fail only the first n attempts (the retry then succeeds); nil = every attempt.
    public var failAttempts: Int?
    /// Fail after making the node's calls (e.g. 403 once auth answered) instead of before them.
    public var failAfterCalls: Bool
    /// Extra span attributes in this variant (e.g. cache.hit = false).
    public var attributes: [String: AttributeValue]

    public init(
        state: NodeState = .healthy, latencyMs: Double? = nil, status: Int? = nil, errorType: String? = nil,
        message: String? = nil, failAttempts: Int? = nil, failAfterCalls: Bool = false,
        attributes: [String: AttributeValue] = [:]
    ) {
        self.state = state; self.latencyMs = latencyMs; self.status = status; self.errorType = errorType
        self.message = message; self.failAttempts = failAttempts; self.failAfterCalls = failAfterCalls
        self.attributes = attributes
    }

    public static let healthy = NodeBehaviour()

    public var json: JSONValue {
        var o: [String: JSONValue] = ["state": .string(state.rawValue)]
        if let latencyMs { o["latency_ms"] = .number(latencyMs) }
        if let status { o["status"] = .number(Double(status)) }
        if let errorType { o["error_type"] = .string(errorType) }
        if let message { o["message"] = .string(message) }
        if let failAttempts { o["fail_attempts"] = .number(Double(failAttempts)) }
        if failAfterCalls { o["fail_after_calls"] = true }
        if !attributes.isEmpty { o["attributes"] = AttributeValue.json(attributes) }
        return .object(o)
    }

    static let fields = ["state", "latency_ms", "status", "error_type", "message", "fail_attempts", "fail_after_calls", "attributes"]

    public static func parse(_ json: JSONValue, path: String) throws -> NodeBehaviour {
        let o = try JSONFields.object(json, path: path, allowed: fields)
        var b = NodeBehaviour()
        if let s = try JSONFields.optionalString(o, "state", path: path) {
            guard let state = NodeState(rawValue: s) else {
                throw SyslabError.invalidArgument("\(path).state must be healthy, slow or failing, got '\(ErrorText.quoted(s))'")
            }
            b.state = state
        }
        b.latencyMs = try JSONFields.optionalNumber(o, "latency_ms", path: path, range: 0...LatencyProfile.maxMilliseconds)
        b.status = try JSONFields.optionalInt(o, "status", path: path, range: 0...5999)
        b.errorType = try JSONFields.optionalString(o, "error_type", path: path)
        b.message = try JSONFields.optionalString(o, "message", path: path)
        b.failAttempts = try JSONFields.optionalInt(o, "fail_attempts", path: path, range: 1...TopologyEdge.maxRetries)
        b.failAfterCalls = try JSONFields.optionalBool(o, "fail_after_calls", path: path) ?? false
        b.attributes = try o["attributes"].map { try AttributeValue.parseMap($0, path: "\(path).attributes") } ?? [:]
        if b.state != .failing, b.status != nil || b.errorType != nil || b.message != nil || b.failAttempts != nil || b.failAfterCalls {
            throw SyslabError.invalidArgument("\(path): status, error_type, message, fail_attempts and fail_after_calls need state 'failing'")
        }
        return b
    }
}

/// Changes to one edge in a variant.
public struct EdgeOverride: Sendable, Equatable {
    /// The call is not made (a cache hit, an open circuit, a request rejected earlier).
    public var skip: Bool
    public var calls: Int?
    public var delayMs: Double?
    public var retries: Int?
    public var timeoutMs: Double?
    public var fallback: Bool?

    public init(skip: Bool = false, calls: Int? = nil, delayMs: Double? = nil, retries: Int? = nil,
                timeoutMs: Double? = nil, fallback: Bool? = nil) {
        self.skip = skip; self.calls = calls; self.delayMs = delayMs; self.retries = retries
        self.timeoutMs = timeoutMs; self.fallback = fallback
    }

    public static let skipped = EdgeOverride(skip: true)

    public var json: JSONValue {
        var o: [String: JSONValue] = [:]
        if skip { o["skip"] = true }
        if let calls { o["calls"] = .number(Double(calls)) }
        if let delayMs { o["delay_ms"] = .number(delayMs) }
        if let retries { o["retries"] = .number(Double(retries)) }
        if let timeoutMs { o["timeout_ms"] = .number(timeoutMs) }
        if let fallback { o["fallback"] = .bool(fallback) }
        return .object(o)
    }

    public static func parse(_ json: JSONValue, path: String) throws -> EdgeOverride {
        let o = try JSONFields.object(json, path: path, allowed: ["skip", "calls", "delay_ms", "retries", "timeout_ms", "fallback"])
        return EdgeOverride(
            skip: try JSONFields.optionalBool(o, "skip", path: path) ?? false,
            calls: try JSONFields.optionalInt(o, "calls", path: path, range: 1...TopologyEdge.maxCalls),
            delayMs: try JSONFields.optionalNumber(o, "delay_ms", path: path, range: 0...LatencyProfile.maxMilliseconds),
            retries: try JSONFields.optionalInt(o, "retries", path: path, range: 0...TopologyEdge.maxRetries),
            timeoutMs: try JSONFields.optionalNumber(o, "timeout_ms", path: path, range: 0.001...LatencyProfile.maxMilliseconds),
            fallback: try JSONFields.optionalBool(o, "fallback", path: path))
    }

    /// The edge with this override applied.
    public func apply(to edge: TopologyEdge) -> TopologyEdge {
        TopologyEdge(
            id: edge.id, from: edge.from, to: edge.to, mode: edge.mode, operation: edge.operation,
            timeoutMs: timeoutMs ?? edge.timeoutMs, retries: retries ?? edge.retries, retryBackoffMs: edge.retryBackoffMs,
            calls: calls ?? edge.calls, fallback: fallback ?? edge.fallback, delayMs: delayMs ?? edge.delayMs,
            attributes: edge.attributes)
    }
}

/// One way a template's request can go, and what the learner should see.
public struct Variant: Sendable, Equatable {
    public var kind: VariantKind
    /// One line: what happens (e.g. "database timeout -> 500").
    public var title: String
    /// What to look for in the trace and what it teaches.
    public var story: String
    public var nodes: [String: NodeBehaviour]
    public var edges: [String: EdgeOverride]

    public init(_ kind: VariantKind, title: String, story: String, nodes: [String: NodeBehaviour] = [:],
                edges: [String: EdgeOverride] = [:]) {
        self.kind = kind; self.title = title; self.story = story; self.nodes = nodes; self.edges = edges
    }

    public func behaviour(of node: String) -> NodeBehaviour { nodes[node] ?? .healthy }

    public var json: JSONValue {
        [
            "title": .string(title), "story": .string(story),
            "nodes": .object(nodes.mapValues(\.json)), "edges": .object(edges.mapValues(\.json)),
        ]
    }

    public static func parse(_ json: JSONValue, kind: VariantKind, path: String) throws -> Variant {
        let o = try JSONFields.object(json, path: path, allowed: ["title", "story", "nodes", "edges"])
        var v = Variant(kind, title: try JSONFields.optionalString(o, "title", path: path) ?? kind.rawValue,
                        story: try JSONFields.optionalString(o, "story", path: path) ?? "")
        if let nodes = o["nodes"], !nodes.isNull {
            for (id, b) in try JSONFields.object(nodes, path: "\(path).nodes") {
                v.nodes[id] = try NodeBehaviour.parse(b, path: "\(path).nodes.\(id)")
            }
        }
        if let edges = o["edges"], !edges.isNull {
            for (id, e) in try JSONFields.object(edges, path: "\(path).edges") {
                v.edges[id] = try EdgeOverride.parse(e, path: "\(path).edges.\(id)")
            }
        }
        return v
    }

    /// Every node and edge the variant names must exist in the topology.
    public func validate(against topology: Topology, path: String) throws {
        for id in nodes.keys.sorted() where topology.node(id) == nil {
            let hint = JSONFields.suggestion(for: id, in: topology.nodes.map(\.id)).map { " (did you mean '\($0)'?)" } ?? ""
            throw SyslabError.notFound("\(path).nodes names '\(ErrorText.quoted(id))', which is not a node of the topology\(hint)")
        }
        for id in edges.keys.sorted() {
            guard let edge = topology.edge(id) else {
                let hint = JSONFields.suggestion(for: id, in: topology.edges.map(\.id)).map { " (did you mean '\($0)'?)" } ?? ""
                throw SyslabError.notFound("\(path).edges names '\(ErrorText.quoted(id))', which is not an edge of the topology\(hint)")
            }
            if edges[id]!.delayMs != nil, edge.mode != .async {
                throw SyslabError.invalidArgument("\(path).edges.\(id): delay_ms applies to async edges only")
            }
        }
    }
}
