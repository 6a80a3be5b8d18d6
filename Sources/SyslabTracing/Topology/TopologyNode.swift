import SyslabCore

/// How a node runs its outgoing sync calls.
public enum FanOut: String, Sendable, CaseIterable {
    /// One after another, in edge order; the first unhandled failure stops the rest.
    case sequential
    /// All at once; the node waits for the slowest.
    case parallel
    /// In edge order until one succeeds (a load balancer or a replica failover).
    case failover
}

/// One component instance in a topology.
public struct TopologyNode: Sendable, Equatable {
    /// Unique within the topology; also the span's service name unless `label` is set.
    public let id: String
    /// A component kind id from `ComponentCatalogue`, e.g. "postgres".
    public let kind: String
    /// Human name shown in views and used as `service.name`.
    public let label: String
    /// Span name override (an edge's `operation` wins over it).
    public let operation: String?
    public let fanOut: FanOut
    /// Extra attributes on every span of this node (override the component's).
    public let attributes: [String: AttributeValue]
    /// Latency override; nil uses the component kind's profile.
    public let latency: LatencyProfile?
    /// The HTTP status a successful call returns (e.g. 202 for an async API); nil means 200.
    public let responseStatus: Int?

    public init(
        id: String, kind: String, label: String? = nil, operation: String? = nil, fanOut: FanOut = .sequential,
        attributes: [String: AttributeValue] = [:], latency: LatencyProfile? = nil, responseStatus: Int? = nil
    ) {
        self.id = id; self.kind = kind; self.label = label ?? id; self.operation = operation
        self.fanOut = fanOut; self.attributes = attributes; self.latency = latency; self.responseStatus = responseStatus
    }

    /// The catalogue entry; always present in a validated topology.
    public var component: ComponentKind {
        ComponentCatalogue.kind(kind)!
    }

    /// The latency profile in effect: the override or the component's.
    public var effectiveLatency: LatencyProfile { latency ?? component.latency }

    public var json: JSONValue {
        var o: [String: JSONValue] = ["id": .string(id), "kind": .string(kind), "label": .string(label),
                                      "fan_out": .string(fanOut.rawValue)]
        if let operation { o["operation"] = .string(operation) }
        if !attributes.isEmpty { o["attributes"] = AttributeValue.json(attributes) }
        if let latency { o["latency_ms"] = latency.json }
        if let responseStatus { o["response_status"] = .number(Double(responseStatus)) }
        return .object(o)
    }

    static let fields = ["id", "kind", "label", "operation", "fan_out", "attributes", "latency_ms", "response_status"]

    /// Parses one node; `path` names it in errors ("topology.nodes[2]").
    /// The kind is checked later, with the other cross-references.
    public static func parse(_ json: JSONValue, path: String) throws -> TopologyNode {
        let o = try JSONFields.object(json, path: path, allowed: fields)
        let id = try JSONFields.requiredString(o, "id", path: path)
        let at = "\(path) ('\(ErrorText.quoted(id))')"
        try TopologyNode.validateId(id, path: "\(path).id")
        let kind = try JSONFields.requiredString(o, "kind", path: at)
        var fanOut = FanOut.sequential
        if let name = try JSONFields.optionalString(o, "fan_out", path: at) {
            guard let f = FanOut(rawValue: name) else {
                throw SyslabError.invalidArgument("\(at).fan_out must be sequential, parallel or failover, got '\(ErrorText.quoted(name))'")
            }
            fanOut = f
        }
        var latency: LatencyProfile? = nil
        if let l = o["latency_ms"], !l.isNull {
            let base = ComponentCatalogue.kind(kind)?.latency ?? .around(healthy: 10, slow: 500, failing: 100)
            latency = try LatencyProfile.parse(l, base: base, path: "\(at).latency_ms")
        }
        var status: Int? = nil
        if let s = try JSONFields.optionalInt(o, "response_status", path: at, range: 100...599) { status = s }
        return TopologyNode(
            id: id, kind: kind, label: try JSONFields.optionalString(o, "label", path: at),
            operation: try JSONFields.optionalString(o, "operation", path: at), fanOut: fanOut,
            attributes: try o["attributes"].map { try AttributeValue.parseMap($0, path: "\(at).attributes") } ?? [:],
            latency: latency, responseStatus: status)
    }

    /// Ids are short and safe in file names, tags and SVG: letters, digits, `-_.:`.
    static func validateId(_ id: String, path: String, extra: String = "") throws {
        guard !id.isEmpty, id.count <= 64 else {
            throw SyslabError.invalidArgument("\(path) must be 1 to 64 characters, got \(id.count)")
        }
        for c in id.unicodeScalars where !(c.properties.isAlphabetic && c.isASCII) && !("0"..."9").contains(c) && !("-_.:" + extra).unicodeScalars.contains(c) {
            throw SyslabError.invalidArgument("\(path) '\(ErrorText.quoted(id))' may only contain ASCII letters, digits and - _ . :\(extra.isEmpty ? "" : " " + extra)")
        }
    }
}
