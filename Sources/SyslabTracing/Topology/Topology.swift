import SyslabCore

/// A system as a graph: component nodes joined by sync calls and async
/// messages. A `Topology` is always valid: the initialiser checks component
/// kinds, ids, dangling edges, cycles, the entry and reachability, and throws
/// `SyslabError` naming the problem. The JSON form is documented in
/// docs/topology.md.
public struct Topology: Sendable, Equatable {
    public let name: String
    /// The request's route and method at the entry (span names, scenario targeting).
    public let route: String
    public let method: String
    /// The node that receives the request.
    public let entry: String
    public let nodes: [TopologyNode]
    public let edges: [TopologyEdge]

    /// Each node's span attributes (component's, then node's), sorted by key:
    /// computed once here rather than for every trace.
    let baseAttributes: [[Attribute]]
    private let nodeIndex: [String: Int]
    private let outgoingEdges: [[Int]]
    private let incomingEdges: [[Int]]

    public static let maxNodes = 500
    public static let maxEdges = 2000

    public init(
        name: String = "topology", route: String = "/", method: String = "GET", entry: String? = nil,
        nodes: [TopologyNode], edges: [TopologyEdge]
    ) throws {
        guard !nodes.isEmpty else { throw SyslabError.invalidArgument("topology has no nodes") }
        guard nodes.count <= Topology.maxNodes else {
            throw SyslabError.limitExceeded("topology has \(nodes.count) nodes; the limit is \(Topology.maxNodes)")
        }
        guard edges.count <= Topology.maxEdges else {
            throw SyslabError.limitExceeded("topology has \(edges.count) edges; the limit is \(Topology.maxEdges)")
        }
        var index: [String: Int] = [:]
        for (i, node) in nodes.enumerated() {
            try TopologyNode.validateId(node.id, path: "nodes[\(i)].id")
            if let first = index[node.id] {
                throw SyslabError.alreadyExists("duplicate node id '\(ErrorText.quoted(node.id))' (nodes[\(first)] and nodes[\(i)])")
            }
            index[node.id] = i
            guard ComponentCatalogue.kind(node.kind) != nil else {
                let hint = JSONFields.suggestion(for: node.kind, in: ComponentCatalogue.ids).map { "did you mean '\($0)'? " } ?? ""
                throw SyslabError.notFound("node '\(ErrorText.quoted(node.id))' has unknown component kind '\(ErrorText.quoted(node.kind))' (\(hint)known kinds: \(ComponentCatalogue.ids.joined(separator: ", ")))")
            }
        }
        var outgoing = Array(repeating: [Int](), count: nodes.count)
        var incoming = Array(repeating: [Int](), count: nodes.count)
        var edgeIds: [String: Int] = [:]
        for (i, edge) in edges.enumerated() {
            if let first = edgeIds[edge.id] {
                throw SyslabError.alreadyExists("duplicate edge id '\(ErrorText.quoted(edge.id))' (edges[\(first)] and edges[\(i)]); give repeated edges distinct 'id's")
            }
            edgeIds[edge.id] = i
            for (end, target) in [("from", edge.from), ("to", edge.to)] where index[target] == nil {
                let hint = JSONFields.suggestion(for: target, in: nodes.map(\.id)).map { " (did you mean '\($0)'?)" } ?? ""
                throw SyslabError.notFound("dangling edge '\(ErrorText.quoted(edge.id))': '\(ErrorText.quoted(end))' names '\(ErrorText.quoted(target))', which is not a node\(hint)")
            }
            guard edge.from != edge.to else {
                throw SyslabError.invalidArgument("edge '\(ErrorText.quoted(edge.id))' connects '\(ErrorText.quoted(edge.from))' to itself; use 'calls' to repeat a call")
            }
            outgoing[index[edge.from]!].append(i)
            incoming[index[edge.to]!].append(i)
        }
        try Topology.checkCycles(nodes: nodes, edges: edges, outgoing: outgoing)

        let resolvedEntry: String
        if let entry {
            guard index[entry] != nil else {
                throw SyslabError.notFound("entry '\(ErrorText.quoted(entry))' is not a node (nodes: \(nodes.map(\.id).joined(separator: ", ")))")
            }
            resolvedEntry = entry
        } else {
            let roots = nodes.indices.filter { incoming[$0].isEmpty }.map { nodes[$0].id }
            guard roots.count == 1 else {
                throw SyslabError.invalidArgument("several nodes have no incoming edge (\(roots.joined(separator: ", "))); set 'entry' to the one that receives the request")
            }
            resolvedEntry = roots[0]
        }
        // Every node must take part in the request, or it could never appear in a trace.
        var reached = Set([index[resolvedEntry]!])
        var stack = [index[resolvedEntry]!]
        while let n = stack.popLast() {
            for e in outgoing[n] {
                let to = index[edges[e].to]!
                if reached.insert(to).inserted { stack.append(to) }
            }
        }
        if reached.count < nodes.count {
            let missing = nodes.indices.filter { !reached.contains($0) }.map { nodes[$0].id }
            throw SyslabError.invalidArgument("node\(missing.count > 1 ? "s" : "") \(missing.map { "'\($0)'" }.joined(separator: ", ")) cannot be reached from the entry '\(ErrorText.quoted(resolvedEntry))'")
        }
        guard !route.isEmpty else { throw SyslabError.invalidArgument("topology route must not be empty") }
        guard !method.isEmpty else { throw SyslabError.invalidArgument("topology method must not be empty") }

        self.name = name; self.route = route; self.method = method.uppercased(); self.entry = resolvedEntry
        self.nodes = nodes; self.edges = edges
        self.nodeIndex = index; self.outgoingEdges = outgoing; self.incomingEdges = incoming
        self.baseAttributes = nodes.map { node in
            var merged = ComponentCatalogue.kind(node.kind)!.attributes
            merged.merge(node.attributes) { _, new in new }
            return merged.keys.sorted().map { Attribute($0, merged[$0]!) }
        }
    }

    // MARK: queries

    public func node(_ id: String) -> TopologyNode? { nodeIndex[id].map { nodes[$0] } }

    public func index(of id: String) -> Int? { nodeIndex[id] }

    public var entryNode: TopologyNode { nodes[nodeIndex[entry]!] }

    /// Outgoing edges of a node, in declaration order (the order of sequential calls).
    public func outgoing(_ id: String) -> [TopologyEdge] { nodeIndex[id].map { outgoingEdges[$0].map { edges[$0] } } ?? [] }

    public func incoming(_ id: String) -> [TopologyEdge] { nodeIndex[id].map { incomingEdges[$0].map { edges[$0] } } ?? [] }

    public func edge(_ id: String) -> TopologyEdge? { edges.first { $0.id == id } }

    /// Nodes without outgoing edges.
    public var leaves: [TopologyNode] { nodes.indices.filter { outgoingEdges[$0].isEmpty }.map { nodes[$0] } }

    // MARK: JSON

    public var json: JSONValue {
        [
            "name": .string(name), "route": .string(route), "method": .string(method), "entry": .string(entry),
            "nodes": .array(nodes.map(\.json)), "edges": .array(edges.map(\.json)),
        ]
    }

    static let fields = ["name", "route", "method", "entry", "nodes", "edges"]

    /// Parses and validates the JSON form; errors name the member at fault.
    public static func parse(_ json: JSONValue, path: String = "topology") throws -> Topology {
        let o = try JSONFields.object(json, path: path, allowed: fields)
        let nodes = try JSONFields.array(o, "nodes", path: path).enumerated().map { i, item in
            try TopologyNode.parse(item, path: "\(path).nodes[\(i)]")
        }
        let edges = try (o["edges"].map { _ in try JSONFields.array(o, "edges", path: path) } ?? []).enumerated().map { i, item in
            try TopologyEdge.parse(item, path: "\(path).edges[\(i)]")
        }
        do {
            return try Topology(
                name: try JSONFields.optionalString(o, "name", path: path) ?? "topology",
                route: try JSONFields.optionalString(o, "route", path: path) ?? "/",
                method: try JSONFields.optionalString(o, "method", path: path) ?? "GET",
                entry: try JSONFields.optionalString(o, "entry", path: path), nodes: nodes, edges: edges)
        } catch let error as SyslabError {
            throw error.prefixed("\(path): ")
        }
    }

    public static func parse(_ text: String) throws -> Topology { try parse(try JSONValue.parse(text)) }

    // MARK: cycles

    /// A cycle of sync calls would deadlock (each caller waits on itself); a
    /// cycle through async edges would deliver messages forever. Both are errors.
    private static func checkCycles(nodes: [TopologyNode], edges: [TopologyEdge], outgoing: [[Int]]) throws {
        var index: [String: Int] = [:]
        for (i, n) in nodes.enumerated() { index[n.id] = i }
        // 0 = unvisited, 1 = on the current path, 2 = done. Iterative DFS keeps deep graphs off the stack.
        var state = Array(repeating: 0, count: nodes.count)
        for start in nodes.indices where state[start] == 0 {
            var path: [(node: Int, next: Int, via: Int?)] = [(start, 0, nil)]
            state[start] = 1
            while !path.isEmpty {
                let top = path.count - 1
                let n = path[top].node
                if path[top].next < outgoing[n].count {
                    let e = outgoing[n][path[top].next]
                    path[top].next += 1
                    let to = index[edges[e].to]!
                    if state[to] == 1 {
                        let startAt = path.firstIndex { $0.node == to }!
                        let cycleEdges = path[(startAt + 1)...].compactMap(\.via) + [e]
                        let names = path[startAt...].map { nodes[$0.node].id } + [nodes[to].id]
                        if cycleEdges.allSatisfy({ edges[$0].mode == .sync }) {
                            throw SyslabError.invalidArgument("cycle of sync calls: \(names.joined(separator: " -> ")) (each call would wait on itself)")
                        }
                        throw SyslabError.invalidArgument("cycle through async edges: \(names.joined(separator: " -> ")) (a message would circulate forever)")
                    }
                    if state[to] == 0 {
                        state[to] = 1
                        path.append((to, 0, e))
                    }
                } else {
                    state[n] = 2
                    path.removeLast()
                }
            }
        }
    }
}
