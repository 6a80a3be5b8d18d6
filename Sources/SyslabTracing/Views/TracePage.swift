/// One trace as a self-contained HTML page (`trace:export("html")`), with the
/// panels of the tracing lab: the service map (which service called which,
/// failing ones marked), the waterfall, the spans table and the analysis
/// (findings with severity, evidence, tips and fixes, and the critical path).
public enum TracePage {
    public static func html(_ trace: Trace) -> String {
        let e = HTMLText.escape
        let analysis = TraceAnalyzer.analyze(trace)
        let name = trace.template.isEmpty ? "Trace" : trace.template + (trace.variant.isEmpty ? "" : " / " + trace.variant)
        var body = "<main>\n<h1>\(e(name))</h1>\n"
        body += "<p class=\"subtitle\">\(e(WaterfallRenderer().header(trace)))</p>\n"
        body += HTMLPage.panel(id: "summary", title: "Summary", cards(analysis))
        body += HTMLPage.panel(id: "service-map", title: "Service map", serviceMap(trace))
        body += HTMLPage.panel(id: "waterfall-panel", title: "Waterfall", WaterfallRenderer().html(trace))
        body += HTMLPage.panel(id: "spans", title: "Spans", spansTable(trace))
        body += HTMLPage.panel(id: "analysis", title: "Analysis", analysisPanel(analysis))
        body += "<footer>libsyslab · trace \(trace.traceId.hex)</footer>\n</main>\n"
        return HTMLPage.document(title: name + " · trace " + trace.traceId.hex, body: body)
    }

    static func cards(_ a: TraceAnalysis) -> String {
        let items: [(String, String)] = [
            ("response", TimeScale.format(ms: a.responseMs)), ("total", TimeScale.format(ms: a.durationMs)),
            ("spans", String(a.spanCount)), ("errors", String(a.errorCount)), ("services", String(a.services.count)),
            ("highest severity", a.highestSeverity?.rawValue ?? "none"),
        ]
        return "<div class=\"cards\">" + items.map { label, value in
            "<div class=\"card\"><div class=\"label\">\(HTMLText.escape(label))</div><div class=\"value\">\(HTMLText.escape(value))</div></div>"
        }.joined() + "</div>\n"
    }

    /// Services as nodes (keyed by topology node, or service name when the
    /// trace has none), an edge for each parent → child call between two of them.
    static func serviceMap(_ trace: Trace) -> String {
        func key(_ span: Span) -> String { span.node.isEmpty ? span.service : span.node }
        var order: [String] = []
        var layer: [String: Int] = [:]
        var label: [String: (service: String, component: String)] = [:]
        var failing = Set<String>()
        for (span, depth) in trace.depthFirst() {
            let k = key(span)
            if layer[k] == nil { order.append(k); label[k] = (span.service, span.component) }
            layer[k] = min(layer[k] ?? depth, depth)
            if span.isError { failing.insert(k) }
        }
        // Layers from the shallowest appearance of each service, compacted so empty depths vanish.
        let used = Array(Set(layer.values)).sorted()
        var rank: [Int: Int] = [:]
        for (i, d) in used.enumerated() { rank[d] = i }
        var seen = Set<String>()
        var edges: [GraphDiagram.Edge] = []
        for span in trace.spans {
            guard let parentId = span.parentSpanId, let parent = trace.span(parentId) else { continue }
            let from = key(parent), to = key(span)
            guard from != to, seen.insert(from + "\u{0}" + to).inserted else { continue }
            edges.append(GraphDiagram.Edge(from: from, to: to, dashed: span.kind == .consumer))
        }
        let nodes = order.map { k in
            GraphDiagram.Node(id: k, label: label[k]?.service ?? k, detail: label[k]?.component ?? "", layer: rank[layer[k] ?? 0] ?? 0,
                              attributes: [("data-failing", failing.contains(k) ? "true" : "false")],
                              tooltip: (label[k]?.service ?? k) + (failing.contains(k) ? " (errors)" : ""))
        }
        return GraphDiagram(nodes: nodes, edges: edges).svg(id: "service-map-diagram", title: "Services of the trace")
            + "<p class=\"legend\"><span>red outline: a span of this service failed</span><span>dashed: asynchronous</span></p>\n"
    }

    static func spansTable(_ trace: Trace) -> String {
        let e = HTMLText.escape
        let scale = TimeScale(trace: trace)
        var rows: [[String]] = []
        var attributes: [String] = []
        for (span, depth) in trace.depthFirst() {
            let tags = SpansTable.keyAttributes.compactMap { k in span.attribute(k).map { "\(k)=\($0.text)" } }
            rows.append([
                "<span style=\"padding-left: \(min(depth, 12) * 8)px\">\(e(span.service))</span>", e(span.name), e(span.kind.rawValue),
                "<code>\(span.spanId.hex)</code>", "<code>\(span.parentSpanId?.hex ?? "–")</code>",
                e(TimeScale.format(ms: scale.offsetMs(span.startUnixNano))), e(TimeScale.format(ms: span.durationMs)),
                span.isError ? HTMLPage.badge("error", kind: "fail") + " " + e(span.status.message) : e(span.status.code.rawValue),
                e(tags.joined(separator: " ")),
            ])
            attributes.append("data-span-id=\"\(span.spanId.hex)\"")
        }
        return HTMLPage.table(id: "spans-table", header: ["service", "operation", "kind", "span", "parent", "start", "duration", "status", "tags"],
                              rows: rows, rowAttributes: attributes)
    }

    static func analysisPanel(_ a: TraceAnalysis) -> String {
        let e = HTMLText.escape
        var s = ""
        if a.findings.isEmpty { s += "<p class=\"muted\">No findings: the trace shows no error, slowness or pattern worth a note.</p>\n" }
        s += "<ul class=\"findings\">\n"
        for f in a.findings {
            s += "<li data-severity=\"\(e(f.severity.rawValue))\" data-rule=\"\(e(f.rule))\">"
            s += HTMLPage.badge(f.severity.rawValue, kind: f.severity.rawValue) + " <span class=\"title\">\(e(f.title))</span>"
            s += "<p>\(e(f.detail))</p>"
            if !f.components.isEmpty {
                s += "<p class=\"muted\">components: " + e(f.components.map { "\($0.service) (\($0.component))" }.joined(separator: ", ")) + "</p>"
            }
            for tip in f.tips { s += "<p><strong>tip</strong> \(e(tip))</p>" }
            for fix in f.fixes { s += "<p><strong>fix</strong> \(e(fix))</p>" }
            s += "</li>\n"
        }
        s += "</ul>\n"
        if !a.criticalPath.isEmpty {
            s += "<h3>Critical path</h3>\n"
            s += HTMLPage.table(id: "critical-path", header: ["service", "operation", "waited"],
                                rows: a.criticalPath.map { [e($0.span.service), e($0.span.name), e(TimeScale.format(ms: $0.ms))] })
        }
        return s
    }
}
