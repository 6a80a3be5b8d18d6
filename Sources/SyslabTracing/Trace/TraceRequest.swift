import SyslabCore

/// What to generate, as the C, Lua and Python surfaces describe it in JSON:
/// `{"template": "simple", "variant": "error", "seed": 42}` or
/// `{"topology": {...}, "variant": {...custom variant...}, "seed": 42}`,
/// plus optional `start_time_unix_nano` (decimal string) and `max_spans`.
public struct TraceRequest: Sendable {
    public var topology: Topology
    public var variant: Variant
    public var template: String
    public var options: TraceOptions

    static let fields = ["template", "topology", "variant", "seed", "start_time_unix_nano", "max_spans"]

    /// Resolves template ids through `store` (built-ins only when nil).
    public static func parse(_ json: JSONValue, store: TemplateStore?, registry: ScenarioRegistry? = nil) throws -> TraceRequest {
        let o = try JSONFields.object(json, path: "request", allowed: fields)
        var options = TraceOptions(registry: registry)
        if let seed = o["seed"], !seed.isNull { options.seed = try parseUInt64(seed, "request.seed") }
        if let start = o["start_time_unix_nano"], !start.isNull {
            options.startUnixNano = try parseUInt64(start, "request.start_time_unix_nano")
            guard options.startUnixNano < UInt64(4_000_000_000) * 1_000_000_000 else {
                throw SyslabError.outOfRange("request.start_time_unix_nano is after the year 2096")
            }
        }
        if let limit = try JSONFields.optionalInt(o, "max_spans", path: "request", range: 1...TraceOptions.spanLimit) {
            options.maxSpans = limit
        }
        let variantJSON = o["variant"] ?? .null
        if let id = try JSONFields.optionalString(o, "template", path: "request") {
            guard o["topology"] == nil else { throw SyslabError.invalidArgument("request has both 'template' and 'topology'; give one") }
            let template: Template
            if let store { template = try store.template(id) } else if let builtin = BuiltinTemplates.template(id) { template = builtin } else {
                let hint = JSONFields.suggestion(for: id, in: BuiltinTemplates.ids).map { " (did you mean '\($0)'?)" } ?? ""
                throw SyslabError.notFound("unknown template '\(ErrorText.quoted(id))'\(hint)")
            }
            let variant: Variant
            switch variantJSON {
            case .null: variant = template.variant(.success)
            case .string(let name):
                guard let kind = VariantKind(rawValue: name) else {
                    throw SyslabError.invalidArgument("request.variant must be success, slow or error, got '\(ErrorText.quoted(name))'")
                }
                variant = template.variant(kind)
            default:
                variant = try Variant.parse(variantJSON, kind: .success, path: "request.variant")
            }
            return TraceRequest(topology: template.topology, variant: variant, template: template.id, options: options)
        }
        guard let topologyJSON = o["topology"] else {
            throw SyslabError.invalidArgument("request needs 'template' (a template id) or 'topology' (a topology object)")
        }
        let topology = try Topology.parse(topologyJSON, path: "request.topology")
        var variant = Variant(.success, title: "custom", story: "")
        switch variantJSON {
        case .null: break
        case .string(let name):
            guard let kind = VariantKind(rawValue: name) else {
                throw SyslabError.invalidArgument("request.variant must be success, slow or error, got '\(ErrorText.quoted(name))'")
            }
            variant = Template(id: "custom", name: topology.name, description: "", topology: topology, variants: []).variant(kind)
        default:
            variant = try Variant.parse(variantJSON, kind: .success, path: "request.variant")
        }
        return TraceRequest(topology: topology, variant: variant, template: "", options: options)
    }

    public func generate() throws -> Trace {
        try TraceGenerator.generate(topology: topology, variant: variant, options: options, template: template)
    }

    /// A non-negative integer given as a JSON number (exact below 2^53) or a decimal string.
    static func parseUInt64(_ json: JSONValue, _ path: String) throws -> UInt64 {
        switch json {
        case .number(let n) where n >= 0 && n == n.rounded() && n < 9.007_199_254_740_992e15:
            return UInt64(n)
        case .string(let s):
            guard let v = UInt64(s) else { throw SyslabError.invalidArgument("\(path) must be a non-negative integer, got '\(ErrorText.quoted(s))'") }
            return v
        default:
            throw SyslabError.outOfRange("\(path) must be a non-negative integer (a decimal string above 2^53), got \(json.serialized())")
        }
    }
}
