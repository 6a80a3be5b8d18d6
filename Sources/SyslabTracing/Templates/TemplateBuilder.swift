import SyslabCore

/// Short constructors for writing the built-in templates as data.
enum TemplateBuilder {
    static func node(
        _ id: String, _ kind: String, label: String? = nil, op: String? = nil, fanOut: FanOut = .sequential,
        ms: Double? = nil, status: Int? = nil, attrs: [String: AttributeValue] = [:]
    ) -> TopologyNode {
        var latency: LatencyProfile? = nil
        if let ms, let base = ComponentCatalogue.kind(kind)?.latency {
            latency = LatencyProfile(healthy: LatencyProfile.jitter(ms), slow: base.slow, failing: base.failing)
        }
        return TopologyNode(id: id, kind: kind, label: label, operation: op, fanOut: fanOut, attributes: attrs,
                            latency: latency, responseStatus: status)
    }

    static func call(
        _ from: String, _ to: String, id: String? = nil, op: String? = nil, timeout: Double? = nil, retries: Int = 0,
        backoff: Double = 100, calls: Int = 1, fallback: Bool = false, attrs: [String: AttributeValue] = [:]
    ) -> TopologyEdge {
        TopologyEdge(id: id, from: from, to: to, mode: .sync, operation: op, timeoutMs: timeout, retries: retries,
                     retryBackoffMs: backoff, calls: calls, fallback: fallback, attributes: attrs)
    }

    static func message(
        _ from: String, _ to: String, id: String? = nil, op: String? = nil, delay: Double = 5, retries: Int = 0,
        backoff: Double = 1000, attrs: [String: AttributeValue] = [:]
    ) -> TopologyEdge {
        TopologyEdge(id: id, from: from, to: to, mode: .async, operation: op, retries: retries, retryBackoffMs: backoff,
                     delayMs: delay, attributes: attrs)
    }

    static func topology(
        _ name: String, _ method: String, _ route: String, entry: String? = nil, _ nodes: [TopologyNode],
        _ edges: [TopologyEdge]
    ) -> Topology {
        do {
            return try Topology(name: name, route: route, method: method, entry: entry, nodes: nodes, edges: edges)
        } catch {
            // Built-in data is fixed and covered by tests; an invalid one is a bug in this file.
            preconditionFailure("built-in topology '\(name)' is invalid: \(error)")
        }
    }

    static func healthy(ms: Double? = nil, attrs: [String: AttributeValue] = [:]) -> NodeBehaviour {
        NodeBehaviour(state: .healthy, latencyMs: ms, attributes: attrs)
    }

    static func slow(ms: Double? = nil, attrs: [String: AttributeValue] = [:]) -> NodeBehaviour {
        NodeBehaviour(state: .slow, latencyMs: ms, attributes: attrs)
    }

    static func fail(
        _ status: Int? = nil, _ type: String? = nil, _ message: String? = nil, ms: Double? = nil, attempts: Int? = nil,
        after: Bool = false, attrs: [String: AttributeValue] = [:]
    ) -> NodeBehaviour {
        NodeBehaviour(state: .failing, latencyMs: ms, status: status, errorType: type, message: message,
                      failAttempts: attempts, failAfterCalls: after, attributes: attrs)
    }

    static let skip = EdgeOverride.skipped

    static func template(
        _ id: String, _ name: String, _ description: String, uses: [String], _ topology: Topology,
        success: Variant, slow: Variant, error: Variant
    ) -> Template {
        Template(id: id, name: name, description: description, uses: uses, topology: topology,
                 variants: [success, slow, error], builtin: true)
    }
}
