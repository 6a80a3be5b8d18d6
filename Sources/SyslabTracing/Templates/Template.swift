import SyslabCore

/// A topology with its success, slow and error variants: one teaching scenario.
public struct Template: Sendable, Equatable {
    /// kebab-case, unique among built-in and custom templates.
    public var id: String
    public var name: String
    /// What the template teaches.
    public var description: String
    /// The components it uses, as the catalogue of templates lists them.
    public var uses: [String]
    public var topology: Topology
    public var variants: [VariantKind: Variant]
    /// Built-ins are read-only.
    public var builtin: Bool

    public init(id: String, name: String, description: String, uses: [String] = [], topology: Topology,
                variants: [Variant], builtin: Bool = false) {
        self.id = id; self.name = name; self.description = description; self.uses = uses
        self.topology = topology; self.builtin = builtin
        var map: [VariantKind: Variant] = [:]
        for v in variants { map[v.kind] = v }
        self.variants = map
    }

    /// The variant, or one derived from the topology when a custom template
    /// leaves it out: success is all healthy, slow makes the deepest leaf
    /// slow, error makes it fail.
    public func variant(_ kind: VariantKind) -> Variant {
        if let v = variants[kind] { return v }
        let leaf = Template.deepestLeaf(topology)
        switch kind {
        case .success:
            return Variant(.success, title: "all components healthy", story: "Every call succeeds at its usual speed.")
        case .slow:
            return Variant(.slow, title: "\(leaf.label) is slow",
                           story: "\(leaf.label) answers slowly; its span dominates the critical path.",
                           nodes: [leaf.id: NodeBehaviour(state: .slow)])
        case .error:
            return Variant(.error, title: "\(leaf.label) fails",
                           story: "\(leaf.label) fails; follow the error up the sync calls to see who else fails.",
                           nodes: [leaf.id: NodeBehaviour(state: .failing)])
        }
    }

    /// The leaf farthest from the entry along sync edges (ties: the first declared).
    static func deepestLeaf(_ topology: Topology) -> TopologyNode {
        var depth: [String: Int] = [topology.entry: 0]
        var queue = [topology.entry]
        var head = 0
        while head < queue.count {
            let id = queue[head]; head += 1
            for edge in topology.outgoing(id) where depth[edge.to] == nil {
                depth[edge.to] = depth[id]! + 1
                queue.append(edge.to)
            }
        }
        let leaves = topology.leaves
        guard var best = leaves.first else { return topology.entryNode }
        for leaf in leaves where (depth[leaf.id] ?? 0) > (depth[best.id] ?? 0) { best = leaf }
        return best
    }

    public var json: JSONValue {
        var variantsJSON: [String: JSONValue] = [:]
        for (kind, v) in variants { variantsJSON[kind.rawValue] = v.json }
        return [
            "id": .string(id), "name": .string(name), "description": .string(description),
            "uses": .array(uses.map { .string($0) }), "topology": topology.json,
            "variants": .object(variantsJSON), "builtin": .bool(builtin),
        ]
    }

    /// A short listing entry (no topology).
    public var summaryJSON: JSONValue {
        [
            "id": .string(id), "name": .string(name), "description": .string(description),
            "uses": .array(uses.map { .string($0) }), "builtin": .bool(builtin),
            "variants": .object(Dictionary(uniqueKeysWithValues: VariantKind.allCases.map { kind in
                (kind.rawValue, JSONValue.object(["title": .string(variant(kind).title), "story": .string(variant(kind).story)]))
            })),
        ]
    }

    static let fields = ["id", "name", "description", "uses", "topology", "variants", "builtin"]

    /// Parses a template; `builtin` in the input is ignored (imports are custom).
    public static func parse(_ json: JSONValue, path: String = "template") throws -> Template {
        let o = try JSONFields.object(json, path: path, allowed: fields)
        let id = try JSONFields.requiredString(o, "id", path: path)
        try validateId(id)
        guard let topologyJSON = o["topology"] else { throw SyslabError.invalidArgument("\(path) needs 'topology'") }
        let topology = try Topology.parse(topologyJSON, path: "\(path).topology")
        var variants: [Variant] = []
        if let vj = o["variants"], !vj.isNull {
            let members = try JSONFields.object(vj, path: "\(path).variants", allowed: VariantKind.allCases.map(\.rawValue))
            for kind in VariantKind.allCases {
                guard let item = members[kind.rawValue] else { continue }
                let v = try Variant.parse(item, kind: kind, path: "\(path).variants.\(kind.rawValue)")
                try v.validate(against: topology, path: "\(path).variants.\(kind.rawValue)")
                variants.append(v)
            }
        }
        var uses: [String] = []
        if let u = o["uses"], !u.isNull {
            guard let items = u.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
                throw SyslabError.typeMismatch("\(path).uses must be an array of strings")
            }
            uses = items.compactMap(\.stringValue)
        }
        return Template(
            id: id, name: try JSONFields.optionalString(o, "name", path: path) ?? id,
            description: try JSONFields.optionalString(o, "description", path: path) ?? "", uses: uses,
            topology: topology, variants: variants, builtin: false)
    }

    /// Template ids are kebab-case so they are safe as file names.
    public static func validateId(_ id: String) throws {
        let ok = !id.isEmpty && id.count <= 64 && id.utf8.allSatisfy { c in
            (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "-")
        } && !id.hasPrefix("-") && !id.hasSuffix("-")
        guard ok else {
            throw SyslabError.invalidArgument("template id '\(ErrorText.quoted(id))' must be 1-64 characters of a-z, 0-9 and '-', not starting or ending with '-'")
        }
    }
}
