import SyslabCore

/// Options for one generated trace.
public struct TraceOptions: Sendable {
    public var seed: UInt64
    /// Unix time of the first span, in nanoseconds. Fixed by default so the same seed gives the same bytes.
    public var startUnixNano: UInt64
    /// Active scenarios here shape latencies and errors (matched by component kind, node id as a tag).
    public var registry: ScenarioRegistry?
    public var maxSpans: Int

    public static let defaultStartUnixNano: UInt64 = 1_735_689_600_000_000_000 // 2025-01-01T00:00:00Z
    public static let spanLimit = 50_000

    public init(seed: UInt64 = 1, startUnixNano: UInt64 = TraceOptions.defaultStartUnixNano,
                registry: ScenarioRegistry? = nil, maxSpans: Int = TraceOptions.spanLimit) {
        self.seed = seed; self.startUnixNano = startUnixNano; self.registry = registry; self.maxSpans = maxSpans
    }
}

/// Walks a topology from its entry and produces one trace: a span per node
/// visit, with W3C ids, parent links, links for async hops, timeouts,
/// retries, fallbacks and error propagation through sync calls.
/// Deterministic: the same topology, variant and seed give the same trace.
public enum TraceGenerator {
    public static func generate(template: Template, variant: VariantKind, options: TraceOptions = TraceOptions()) throws -> Trace {
        try generate(topology: template.topology, variant: template.variant(variant), options: options,
                     template: template.id)
    }

    public static func generate(topology: Topology, variant: Variant? = nil, options: TraceOptions = TraceOptions(),
                                template: String = "") throws -> Trace {
        let v = variant ?? Variant(.success, title: "all components healthy", story: "")
        try v.validate(against: topology, path: "variant")
        var walk = TraceWalk(topology: topology, variant: v, options: options, template: template)
        return try walk.run()
    }
}

/// The mutable state of one generation. Times are milliseconds from the start of the trace.
struct TraceWalk {
    let topology: Topology
    let variant: Variant
    let options: TraceOptions
    let template: String
    var rng: SeededGenerator
    let traceId: TraceId
    var spans: [Span] = []
    /// Tags every scenario decision gets besides the node id.
    let tags: [String]

    init(topology: Topology, variant: Variant, options: TraceOptions, template: String) {
        self.topology = topology; self.variant = variant; self.options = options; self.template = template
        // Each template and variant draws its own stream, so traces of different templates differ.
        var rng = SeededGenerator(seed: options.seed, stream: TraceWalk.stableHash("\(template)/\(variant.kind.rawValue)"))
        self.traceId = TraceId(random: &rng)
        self.rng = rng
        tags = template.isEmpty ? ["variant:\(variant.kind.rawValue)"] : ["template:\(template)", "variant:\(variant.kind.rawValue)"]
    }

    /// What the caller sees of one call (or one attempt).
    struct Outcome {
        var end: Double
        var failure: Failure?
        var spanIndex: Int
    }

    struct Failure {
        var status: Int
        var errorType: String
        var message: String
        var timedOut: Bool
        /// The node where the failure started, and its message.
        var origin: String
        var rootMessage: String

        var retryable: Bool {
            timedOut || status == 0 || status == 408 || status == 429 || status >= 500 || [4, 8, 14].contains(status)
        }
    }

    mutating func run() throws -> Trace {
        _ = try visit(topology.entryNode, via: nil, parent: nil, start: 0, attempt: 1, async: false, deadline: nil)
        return Trace(traceId: traceId, spans: spans, template: template, variant: variant.kind.rawValue, seed: options.seed)
    }

    // MARK: one node

    mutating func visit(_ node: TopologyNode, via edge: TopologyEdge?, parent: Int?, start: Double, attempt: Int,
                        async: Bool, deadline: Double?) throws -> Outcome {
        guard spans.count < options.maxSpans else {
            throw SyslabError.limitExceeded("the trace would exceed \(options.maxSpans) spans; lower 'calls', 'retries' or the fan-out")
        }
        let component = node.component
        let behaviour = variant.behaviour(of: node.id)
        let influence = try ScenarioInfluence.decide(options.registry, topology: topology, node: node, tags: tags)

        let failsThisAttempt = behaviour.state == .failing && attempt <= (behaviour.failAttempts ?? Int.max)
        let failsBeforeCalls = failsThisAttempt && !behaviour.failAfterCalls
        let latencyState: NodeState = failsBeforeCalls ? .failing : (behaviour.state == .failing ? .healthy : behaviour.state)
        let distribution = behaviour.latencyMs.flatMap { ms in
            // A variant's explicit latency describes the state it sets (a failed retry keeps the usual speed).
            behaviour.state != .failing || failsThisAttempt ? LatencyProfile.jitter(ms, spread: 0.1) : nil
        } ?? node.effectiveLatency.distribution(for: latencyState)
        let selfMs = max(0, distribution.sample(&rng)) + influence.extraMs

        // Reserve the span now so parents come before children.
        let index = spans.count
        let spanId = SpanId(random: &rng)
        spans.append(Span(spanId: spanId, parentSpanId: parent.map { spans[$0].spanId }, name: "", kind: .internal,
                          service: node.label, node: node.id, component: node.kind, startUnixNano: 0, endUnixNano: 0))

        var events: [SpanEvent] = []
        var failure: Failure? = nil
        if let f = influence.failure {
            failure = Failure(status: f.status, errorType: f.errorType, message: f.message, timedOut: f.status == 504,
                              origin: node.id, rootMessage: f.message)
        } else if failsBeforeCalls {
            failure = ownFailure(node, behaviour)
        }

        var t = start
        if failure == nil {
            let calls = outgoingCalls(of: node)
            let syncCalls = calls.filter { $0.mode == .sync || !TraceWalk.deliversAfterSpan(component) }
            if syncCalls.isEmpty {
                t += selfMs
            } else {
                let pre = selfMs * 0.4
                t += pre
                let result = try runCalls(syncCalls, of: node, callerIndex: index, at: t, events: &events)
                t = result.end
                if let childFailure = result.failure {
                    // A node told to fail after its calls answers with its own status whatever they returned.
                    failure = failsThisAttempt && behaviour.failAfterCalls ? ownFailure(node, behaviour) : propagated(childFailure, to: node)
                    t += min(selfMs - pre, max(0.3, selfMs * 0.1))
                } else {
                    t += selfMs - pre
                }
            }
            if failure == nil, failsThisAttempt { failure = ownFailure(node, behaviour) }
        } else {
            t += selfMs
        }

        var end = t
        if let deadline, end > deadline {
            end = max(start, deadline)
            let limit = edge?.timeoutMs ?? (deadline - start)
            let message = "deadline exceeded: caller gave up after \(JSONValue.format(number: limit)) ms"
            failure = Failure(status: 504, errorType: "DEADLINE_EXCEEDED", message: message, timedOut: true,
                              origin: failure?.origin ?? node.id, rootMessage: failure?.rootMessage ?? message)
        }

        // A broker acknowledges first, then delivers; a store commits, then notifies (triggers, CDC).
        if failure == nil, TraceWalk.deliversAfterSpan(component) {
            for call in outgoingCalls(of: node) where call.mode == .async {
                try deliver(call, from: index, at: end)
            }
        }

        finish(index, node: node, edge: edge, behaviour: behaviour, start: start, end: end, async: async,
               attempt: attempt, failure: failure, events: events, influence: influence)
        return Outcome(end: end, failure: failure, spanIndex: index)
    }

    /// The node's outgoing edges with the variant's overrides, skipped ones removed, in declaration order.
    func outgoingCalls(of node: TopologyNode) -> [TopologyEdge] {
        topology.outgoing(node.id).compactMap { edge in
            guard let o = variant.edges[edge.id] else { return edge }
            return o.skip ? nil : o.apply(to: edge)
        }
    }

    // MARK: calls

    /// Runs a node's calls by its fan-out; returns when it resumes and the failure it must report, if any.
    mutating func runCalls(_ calls: [TopologyEdge], of node: TopologyNode, callerIndex: Int, at start: Double,
                           events: inout [SpanEvent]) throws -> (end: Double, failure: Failure?) {
        var units: [TopologyEdge] = []
        for edge in calls { for _ in 0..<edge.calls { units.append(edge) } }
        switch node.fanOut {
        case .sequential, .failover:
            var t = start
            var lastFailure: Failure? = nil
            for (i, edge) in units.enumerated() {
                if edge.mode == .async {
                    try deliver(edge, from: callerIndex, at: t)
                    continue
                }
                let out = try call(edge, callerIndex: callerIndex, at: t + hop(), events: &events)
                t = out.end + hop()
                guard let f = out.failure else {
                    if node.fanOut == .failover { return (t, nil) }
                    continue
                }
                if node.fanOut == .failover, i < units.count - 1 {
                    events.append(event("failover", at: t, ["target": .string(label(edge.to)), "reason": .string(f.rootMessage)]))
                    lastFailure = f
                    continue
                }
                if edge.fallback {
                    events.append(event("fallback", at: t, ["target": .string(label(edge.to)), "reason": .string(f.rootMessage)]))
                    continue
                }
                return (t, f)
            }
            return (t, node.fanOut == .failover && units.allSatisfy({ $0.mode == .sync }) && !units.isEmpty ? lastFailure : nil)
        case .parallel:
            var end = start
            var failure: Failure? = nil
            for edge in units {
                if edge.mode == .async {
                    try deliver(edge, from: callerIndex, at: start)
                    continue
                }
                let out = try call(edge, callerIndex: callerIndex, at: start + hop(), events: &events)
                let back = out.end + hop()
                end = max(end, back)
                if let f = out.failure {
                    if edge.fallback {
                        events.append(event("fallback", at: back, ["target": .string(label(edge.to)), "reason": .string(f.rootMessage)]))
                    } else if failure == nil {
                        failure = f
                    }
                }
            }
            return (end, failure)
        }
    }

    /// One sync call with its timeout and retries.
    mutating func call(_ edge: TopologyEdge, callerIndex: Int, at start: Double, events: inout [SpanEvent]) throws -> Outcome {
        let target = topology.node(edge.to)!
        var attemptStart = start
        var attempt = 1
        while true {
            let deadline = edge.timeoutMs.map { attemptStart + $0 }
            let out = try visit(target, via: edge, parent: callerIndex, start: attemptStart, attempt: attempt,
                                async: false, deadline: deadline)
            guard let f = out.failure, attempt <= edge.retries, f.retryable else { return out }
            if f.timedOut {
                events.append(event("timeout", at: out.end, ["target": .string(target.label),
                                                              "timeout_ms": .number(edge.timeoutMs ?? 0)]))
            }
            let backoff = edge.retryBackoffMs * Double(1 << (attempt - 1))
            attempt += 1
            events.append(event("retry", at: out.end, ["target": .string(target.label), "attempt": .int(Int64(attempt)),
                                                        "backoff_ms": .number(backoff)]))
            attemptStart = out.end + backoff
        }
    }

    /// An async hand-off: the consumer starts after the queue lag, as a child
    /// of the sender with a link to it; its failure never reaches the sender.
    /// A failed delivery is redelivered up to `retries` times.
    mutating func deliver(_ edge: TopologyEdge, from senderIndex: Int, at sent: Double) throws {
        let target = topology.node(edge.to)!
        var start = sent + LatencyProfile.jitter(edge.delayMs, spread: 0.2).sample(&rng)
        var attempt = 1
        while true {
            let out = try visit(target, via: edge, parent: senderIndex, start: start, attempt: attempt, async: true, deadline: nil)
            guard let f = out.failure, attempt <= edge.retries, f.retryable else { return }
            start = out.end + edge.retryBackoffMs * Double(1 << (attempt - 1))
            attempt += 1
        }
    }

    /// FNV-1a: a hash that is the same in every process (Swift's Hasher is seeded per run).
    static func stableHash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    /// Brokers and data stores hand messages on once their own span is over.
    static func deliversAfterSpan(_ component: ComponentKind) -> Bool { component.isBroker || component.storesData }

    /// Network time of one hop.
    mutating func hop() -> Double { 0.2 + 0.6 * rng.nextUnit() }

    func label(_ id: String) -> String { topology.node(id)?.label ?? id }

    // MARK: failures

    func ownFailure(_ node: TopologyNode, _ b: NodeBehaviour) -> Failure {
        let c = node.component.failure
        let message = b.message ?? c.message
        let status = b.status ?? c.status
        return Failure(status: status, errorType: b.errorType ?? (b.status.map(String.init) ?? c.errorType), message: message,
                       timedOut: status == 504 || (node.component.wireProtocol == .grpc && status == 4),
                       origin: node.id, rootMessage: message)
    }

    /// What a caller reports when a call it depends on failed: 4xx answers
    /// pass through (the client's fault), timeouts become 504 (gRPC 4), the
    /// rest 502 at proxies and 500 elsewhere (gRPC 14).
    func propagated(_ f: Failure, to node: TopologyNode) -> Failure {
        let status: Int
        let type: String
        if node.component.wireProtocol == .grpc {
            status = f.timedOut ? 4 : 14
            type = f.timedOut ? "DEADLINE_EXCEEDED" : "UNAVAILABLE"
        } else if f.timedOut {
            status = 504; type = "504"
        } else if (400..<500).contains(f.status) {
            status = f.status; type = String(f.status)
        } else {
            status = [.edge, .containers].contains(node.component.category) ? 502 : 500
            type = String(status)
        }
        let origin = label(f.origin)
        return Failure(status: status, errorType: type, message: "\(origin) failed: \(f.rootMessage)",
                       timedOut: f.timedOut, origin: f.origin, rootMessage: f.rootMessage)
    }

    // MARK: the span

    func event(_ name: String, at ms: Double, _ attributes: [String: AttributeValue]) -> SpanEvent {
        SpanEvent(name: name, timeUnixNano: nanos(ms), attributes: attributes.keys.sorted().map { Attribute($0, attributes[$0]!) })
    }

    func nanos(_ ms: Double) -> UInt64 { options.startUnixNano &+ (max(0, ms) * 1e6).saturatingUInt64 }

    mutating func finish(_ index: Int, node: TopologyNode, edge: TopologyEdge?, behaviour: NodeBehaviour, start: Double,
                         end: Double, async: Bool, attempt: Int, failure: Failure?, events: [SpanEvent],
                         influence: ScenarioInfluence) {
        let component = node.component
        let isRoot = index == 0
        var attributes = topology.baseAttributes[topology.index(of: node.id)!]
        func set(_ key: String, _ value: AttributeValue) {
            if let i = attributes.firstIndex(where: { $0.key == key }) { attributes[i].value = value }
            else { attributes.append(Attribute(key, value)) }
        }
        if let edge { for key in edge.attributes.keys.sorted() { set(key, edge.attributes[key]!) } }
        for key in behaviour.attributes.keys.sorted() { set(key, behaviour.attributes[key]!) }
        if isRoot {
            set("http.request.method", .string(topology.method))
            set("http.route", .string(topology.route))
            set("url.path", .string(topology.route))
        }
        if async { set("messaging.operation.type", "process") }

        switch component.wireProtocol {
        case .http, .websocket, .faas:
            let status = failure?.status ?? node.responseStatus ?? 200
            // A call the caller abandoned has no response status.
            if status > 0, component.wireProtocol != .websocket, failure?.errorType != "DEADLINE_EXCEEDED" {
                set("http.response.status_code", .int(Int64(status)))
            }
        case .grpc:
            set("rpc.grpc.status_code", .int(Int64(failure.map { $0.status < 17 ? $0.status : 14 } ?? 0)))
        case .database, .messaging:
            break
        }
        if let failure { set("error.type", .string(failure.errorType)) }

        // Where the call came from, so analysis can work from the trace alone.
        set("syslab.node", .string(node.id))
        set("syslab.component", .string(node.kind))
        set("syslab.baseline_ms", .number(node.effectiveLatency.healthy.mean))
        let spread = node.effectiveLatency.healthy.stddev
        if spread.isFinite { set("syslab.baseline_stddev_ms", .number(spread)) }
        if let edge {
            set("syslab.call.mode", .string(edge.mode.rawValue))
            if let timeout = edge.timeoutMs { set("syslab.call.timeout_ms", .number(timeout)) }
            if edge.retries > 0 { set("syslab.call.retries", .int(Int64(edge.retries))) }
            if edge.fallback { set("syslab.call.fallback", true) }
        }
        if attempt > 1 { set("http.request.resend_count", .int(Int64(attempt - 1))) }
        if !influence.events.isEmpty {
            set("syslab.scenarios", .string(influence.events.map(\.scenario).joined(separator: ",")))
        }

        var allEvents = influence.events.map { scenario, effect in
            event("syslab.scenario", at: start, ["scenario": .string(scenario), "effect": .string(effect.kind.name),
                                                  "seconds": .number(effect.seconds), "status": .int(Int64(effect.status))])
        }
        allEvents += events
        if let failure, failure.origin == node.id || failure.timedOut && attributes.contains(where: { $0.key == "syslab.call.timeout_ms" }) {
            allEvents.append(event("exception", at: end, ["exception.type": .string(failure.errorType),
                                                           "exception.message": .string(failure.message)]))
        }

        // Sorted keys: stable output, and the same order after a trip through trace-json.
        attributes.sort { $0.key < $1.key }
        var kind = async ? SpanKind.consumer : component.spanKind
        if !async, kind == .consumer { kind = .server } // a worker called directly answers a request
        let parent = spans[index].parentSpanId
        spans[index] = Span(
            spanId: spans[index].spanId, parentSpanId: parent,
            name: edge?.operation ?? node.operation ?? (isRoot ? "\(topology.method) \(topology.route)" : component.operation),
            kind: kind, service: node.label, node: node.id, component: node.kind,
            startUnixNano: nanos(start), endUnixNano: nanos(end),
            status: failure.map { .error($0.message) } ?? .unset,
            attributes: attributes, events: allEvents.sorted { $0.timeUnixNano < $1.timeUnixNano },
            links: async && parent != nil ? [SpanLink(traceId: traceId, spanId: parent!, attributes: [Attribute("syslab.link", "async")])] : [])
    }
}
