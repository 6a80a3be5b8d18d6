import SyslabCore
import SyslabTracing

/// Kept traces become ordinary `Trace` values, so the tracing module's
/// exporters (OTLP, Jaeger, Zipkin), views and analysis work on them.
extension SystemSimulation {
    func buildTraces() -> [Trace] {
        var rng = SeededGenerator(seed: options.seed, stream: 77)
        let kept = (stats.headTraces + stats.tailTraces).sorted { $0.intended < $1.intended }
        return kept.map { trace(from: $0, &rng) }
    }

    func trace(from kept: KeptTrace, _ rng: inout SeededGenerator) -> Trace {
        let traceId = TraceId(random: &rng)
        let ids = kept.spans.map { _ in SpanId(random: &rng) }
        let topology = model.topology
        func nanos(_ t: Double) -> UInt64 { (max(0, (options.epoch + t) * 1e9)).saturatingUInt64 }
        let spans: [Span] = kept.spans.enumerated().map { i, record in
            let node = topology.nodes[Int(record.node)]
            let edge = record.via >= 0 ? topology.edges[Int(record.via)] : nil
            let name = edge?.operation ?? node.operation ?? (record.parent < 0 ? "\(topology.method) \(topology.route)" : node.component.operation)
            var attributes: [Attribute] = [Attribute("syslab.node", .string(node.id)), Attribute("syslab.sampled_by", .string(kept.sampledBy))]
            // The node's configured service time (its latency profile), so trace analysis judges each span against it.
            let service = model.nodes[Int(record.node)].service
            if service.mean.isFinite { attributes.append(Attribute("syslab.baseline_ms", .double(service.mean * 1000))) }
            if service.stddev.isFinite { attributes.append(Attribute("syslab.baseline_stddev_ms", .double(service.stddev * 1000))) }
            if record.attempt > 1 { attributes.append(Attribute("http.request.resend_count", .int(Int64(record.attempt - 1)))) }
            if record.status > 0 { attributes.append(Attribute("http.response.status_code", .int(Int64(record.status)))) }
            if record.cause != .ok { attributes.append(Attribute("error.type", .string(record.cause.name))) }
            return Span(
                spanId: ids[i], parentSpanId: record.parent >= 0 ? ids[Int(record.parent)] : nil, name: name,
                kind: node.component.spanKind, service: node.label, node: node.id, component: node.kind,
                startUnixNano: nanos(record.start), endUnixNano: nanos(record.end),
                status: record.cause == .ok ? .ok : .error(record.cause.name), attributes: attributes)
        }
        return Trace(traceId: traceId, spans: spans, template: topology.name, variant: "simulated", seed: options.seed)
    }
}
