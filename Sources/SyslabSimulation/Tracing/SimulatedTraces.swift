import SyslabCore
import SyslabTracing

/// Kept traces become ordinary `Trace` values, so the tracing module's
/// exporters (OTLP, Jaeger, Zipkin), views and analysis work on them; each
/// also gets a log line carrying its ids (`RequestLog`).
extension SystemSimulation {
    func buildTracesAndLogs() -> (traces: [Trace], logs: [RequestLog]) {
        var rng = SeededGenerator(seed: options.seed, stream: 77)
        // A request both head- and tail-sampled is one trace, sampled by "head+tail:...".
        var bySerial: [Int: KeptTrace] = [:]
        for kept in stats.headTraces + stats.tailTraces {
            if let first = bySerial[kept.serial] {
                bySerial[kept.serial]!.sampledBy = first.sampledBy + "+" + kept.sampledBy
            } else {
                bySerial[kept.serial] = kept
            }
        }
        let kept = bySerial.values.sorted { $0.serial < $1.serial }
        var traces: [Trace] = [], logs: [(log: RequestLog, serial: Int)] = []
        traces.reserveCapacity(kept.count)
        for k in kept {
            let trace = trace(from: k, &rng)
            traces.append(trace)
            if let log = requestLog(of: k, trace) { logs.append((log, k.serial)) }
        }
        // In the order the requests ended; ties in start order, so the output is deterministic.
        logs.sort { ($0.log.time, $0.serial) < ($1.log.time, $1.serial) }
        return (traces, logs.map(\.log))
    }

    /// The access-log line of a kept request: its end, outcome and root span.
    func requestLog(of kept: KeptTrace, _ trace: Trace) -> RequestLog? {
        guard let root = kept.spans.firstIndex(where: { $0.parent < 0 }) else { return nil }
        let topology = model.topology
        let latency = kept.finished - kept.intended
        let outcome = kept.outcome
        let slow = options.tailSlowerThan.map { latency >= $0 } ?? false
        let request = "\(topology.method) \(topology.route)"
        let message = outcome.failed
            ? "\(request) failed: \(outcome.cause.name) (status \(outcome.status)) after \(DurationText.format(latency))"
            : "\(request) \(outcome.status) in \(DurationText.format(latency))"
        return RequestLog(
            time: options.epoch + kept.finished, level: outcome.failed ? "error" : slow ? "warn" : "info", message: message,
            traceId: trace.traceId, spanId: trace.spans[root].spanId, node: topology.nodes[Int(kept.spans[root].node)].id,
            status: outcome.status, error: outcome.failed ? outcome.cause.name : nil, latency: latency,
            scenarios: schedule.active(at: kept.intended), sampledBy: kept.sampledBy)
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
