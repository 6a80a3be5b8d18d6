import SyslabCore

/// Computes findings from a trace's data alone (timings, statuses, kinds,
/// semantic-convention attributes and the `syslab.call.*` attributes the
/// generator records): nothing is looked up per template.
public enum TraceAnalyzer {
    public static func analyze(_ trace: Trace) -> TraceAnalysis {
        let c = AnalysisContext(trace)
        var findings: [Finding] = []
        let path = CriticalPath(trace: trace, root: c.root, children: c.syncChildrenIndex)
        findings += c.criticalPathFinding(path)
        findings += c.errorFindings()
        findings += c.asyncFailureFindings()
        findings += c.partialWriteFindings()
        findings += c.slowSpanFindings()
        findings += c.slowConsumerFindings()
        findings += c.missingTimeoutFindings()
        findings += c.queueLagFindings()
        findings += c.sequentialFindings()
        findings += c.fanOutFindings()
        findings += c.repeatedCallFindings()
        findings += c.retryFindings()
        // Most severe first; within a severity, the order the rules ran.
        let ordered = findings.enumerated().sorted { ($1.element.severity.rank, $0.offset) < ($0.element.severity.rank, $1.offset) }
        let rootSpan = trace.spans[c.root]
        return TraceAnalysis(
            traceId: trace.traceId, template: trace.template, variant: trace.variant, durationMs: trace.durationMs,
            responseMs: rootSpan.durationMs, spanCount: trace.spans.count, errorCount: trace.errorSpans.count,
            services: trace.services, rootFailed: rootSpan.isError,
            criticalPath: path.segments.filter { $0.ms > 0 }.map { (trace.spans[$0.index], $0.ms) },
            findings: ordered.map(\.element))
    }
}

/// Indexes over one trace and the rules that read them.
struct AnalysisContext {
    let trace: Trace
    let spans: [Span]
    let index: [SpanId: Int]
    let children: [SpanId: [Int]]
    let syncChildrenIndex: [SpanId: [Int]]
    let root: Int
    /// The trace's start (computing `trace.startUnixNano` scans every span).
    let startNano: UInt64
    /// Every span index, each after its parent: rules that need something of
    /// a span's ancestors compute it for all spans in one pass in this order.
    let parentsFirst: [Int]
    /// Per `attemptGroup`, the two latest starts of successful spans (latest
    /// first), so `recovered` is a lookup rather than a scan of the siblings.
    let successfulStarts: [String: [(start: UInt64, index: Int)]]

    init(_ trace: Trace) {
        self.trace = trace
        spans = trace.spans
        var index: [SpanId: Int] = [:]
        for (i, s) in trace.spans.enumerated() { index[s.spanId] = i }
        self.index = index
        children = trace.childrenIndex()
        var sync: [SpanId: [Int]] = [:]
        for (parent, kids) in children { sync[parent] = kids.filter { !AnalysisContext.isAsync(trace.spans[$0]) } }
        syncChildrenIndex = sync
        let rootId = trace.root?.spanId
        root = trace.spans.firstIndex { $0.spanId == rootId } ?? 0
        var order = trace.spans.indices.filter { trace.spans[$0].parentSpanId.flatMap { index[$0] } == nil }
        var next = 0
        while next < order.count {
            order += children[trace.spans[order[next]].spanId] ?? []
            next += 1
        }
        parentsFirst = order
        startNano = trace.startUnixNano
        var starts: [String: [(start: UInt64, index: Int)]] = [:]
        for (i, span) in trace.spans.enumerated() where !span.isError && span.parentSpanId != nil {
            var latest = starts[AnalysisContext.attemptGroup(span), default: []]
            latest.append((span.startUnixNano, i))
            latest.sort { $0.start > $1.start }
            starts[AnalysisContext.attemptGroup(span)] = Array(latest.prefix(2))
        }
        successfulStarts = starts
    }

    // MARK: helpers

    static func isAsync(_ span: Span) -> Bool {
        span.kind == .consumer || span.attribute("syslab.call.mode")?.stringValue == "async"
    }

    func parent(_ i: Int) -> Int? { spans[i].parentSpanId.flatMap { index[$0] } }
    func syncChildren(_ i: Int) -> [Int] { syncChildrenIndex[spans[i].spanId] ?? [] }
    func allChildren(_ i: Int) -> [Int] { children[spans[i].spanId] ?? [] }
    func ms(_ nano: UInt64) -> Double { Double(nano &- startNano) / 1e6 }
    func name(_ s: Span) -> String { s.component.isEmpty || s.component == s.service ? s.service : "\(s.service) (\(s.component))" }
    func attempt(_ s: Span) -> Int { Int(s.attribute("http.request.resend_count")?.intValue ?? 0) + 1 }
    func fmt(_ ms: Double) -> String { TimeScale.format(ms: ms) }
    func pct(_ part: Double, _ whole: Double) -> String { whole > 0 ? "\((part / whole * 100).saturatingInt)%" : "0%" }

    /// A span's identity for grouping repeated work: its node (or service) and operation.
    func key(_ s: Span) -> String { AnalysisContext.key(s) }
    static func key(_ s: Span) -> String { (s.node.isEmpty ? s.service : s.node) + "\u{1F}" + s.name }

    /// Attempts of one call: the same work under the same parent.
    static func attemptGroup(_ s: Span) -> String { key(s) + "\u{1F}" + (s.parentSpanId?.hex ?? "") }

    /// `value(parentValue, parent)` for every span, from the roots (which get
    /// `rootValue`) down, in one pass: no walk up the ancestors per span.
    func fromRoots<T>(_ rootValue: T, _ value: (T, Int) -> T) -> [T] {
        var out = [T](repeating: rootValue, count: spans.count)
        for i in parentsFirst {
            if let p = parent(i) { out[i] = value(out[p], p) }
        }
        return out
    }

    /// Duration minus the time covered by its sync children: the span's own work.
    func selfMs(_ i: Int) -> Double {
        let s = spans[i]
        let lo = ms(s.startUnixNano), hi = ms(s.endUnixNano)
        var intervals = syncChildren(i).map { (max(lo, ms(spans[$0].startUnixNano)), min(hi, ms(spans[$0].endUnixNano))) }
            .filter { $0.0 < $0.1 }.sorted { $0.0 < $1.0 }
        var covered = 0.0
        var current: (Double, Double)? = nil
        for iv in intervals {
            if let c = current, iv.0 <= c.1 { current = (c.0, max(c.1, iv.1)) }
            else { if let c = current { covered += c.1 - c.0 }; current = iv }
        }
        if let c = current { covered += c.1 - c.0 }
        intervals.removeAll()
        return max(0, (hi - lo) - covered)
    }

    /// The usual duration of this span's own work and its spread (standard
    /// deviation): recorded with the span, else the catalogue's healthy profile.
    func profile(_ s: Span) -> (mean: Double, stddev: Double)? {
        guard let mean = baselineMs(s) else { return nil }
        if let a = s.attribute("syslab.baseline_stddev_ms") {
            switch a {
            case .double(let d) where d.isFinite && d >= 0: return (mean, d)
            case .int(let n) where n >= 0: return (mean, Double(n))
            default: break
            }
        }
        // A span recording its own mean but no spread is judged with the catalogue's relative spread.
        guard let healthy = ComponentCatalogue.kind(s.component)?.latency.healthy, healthy.mean > 0 else { return (mean, 0.25 * mean) }
        let relative = healthy.stddev.isFinite ? healthy.stddev / healthy.mean : 1
        return (mean, relative * mean)
    }

    /// The usual duration of this span's own work: recorded by the generator, else the catalogue's.
    func baselineMs(_ s: Span) -> Double? {
        if let a = s.attribute("syslab.baseline_ms") {
            switch a {
            case .double(let d): return d
            case .int(let n): return Double(n)
            default: break
            }
        }
        return ComponentCatalogue.kind(s.component)?.latency.healthy.mean
    }

    func status(_ s: Span) -> Int? {
        (s.attribute("http.response.status_code")?.intValue).map(Int.init)
    }

    /// A deliberate refusal rather than a breakdown: a 4xx other than 408,
    /// except a 429 from a dependency (that is us being throttled).
    func isRefusal(_ i: Int) -> Bool {
        guard let code = status(spans[i]), (400..<500).contains(code), code != 408 else { return false }
        return code != 429 || i == root || parent(i) == root
    }

    func isTimeout(_ s: Span) -> Bool {
        let type = s.attribute("error.type")?.stringValue ?? ""
        return type == "DEADLINE_EXCEEDED" || status(s) == 504 || s.attribute("rpc.grpc.status_code")?.intValue == 4
    }

    /// True when a later attempt of the same work under the same parent succeeded.
    func recovered(_ i: Int) -> Bool {
        guard spans[i].parentSpanId != nil else { return false }
        return (successfulStarts[AnalysisContext.attemptGroup(spans[i])] ?? []).contains { latest in
            latest.index != i && latest.start >= spans[i].endUnixNano
        }
    }

    // MARK: rules

    func criticalPathFinding(_ path: CriticalPath) -> [Finding] {
        guard let dominant = path.dominant, spans.count > 1 else { return [] }
        let s = spans[dominant.index]
        let total = spans[root].durationMs
        let onPath = path.segments.filter { $0.ms > 0 }
        let shares = onPath.map { "\(spans[$0.index].service) \(fmt($0.ms))" }.joined(separator: " → ")
        return [Finding(
            rule: "critical-path", severity: .info,
            title: "\(name(s)) dominates the critical path: \(fmt(dominant.ms)) of \(fmt(total)) (\(pct(dominant.ms, total)))",
            detail: "Time the response waited on each span: \(shares).",
            spans: onPath.map { spans[$0.index] }, tips: Advice.criticalPath.tips, fixes: Advice.criticalPath.fixes,
            metrics: ["dominant_ms": dominant.ms, "response_ms": total])]
    }
}
