import SyslabCore
import SyslabTracing

extension LoadTestReport {
    /// The report as one self-contained HTML page (see `ReportPage`).
    public var html: String { ReportPage.html(self) }
}

/// A load test's report as one self-contained HTML page: the summary and
/// thresholds, the phases, latency (p50/p95/p99) and failure rate over time
/// with the scenario windows shaded, throughput, the components with
/// sparklines, the topology with the injected and failing nodes marked, the
/// diagnosis and one sampled trace as a waterfall. Everything comes from the
/// run's result and its JSON report; the diagnosis is read from the JSON so
/// that whatever findings (and `injected` section) it holds are shown.
///
/// Elements that tools and tests find: `#summary`, `#thresholds-table`,
/// `#phases-table`, `#latency-chart` (one `circle.pt` per interval and series
/// p50/p95/p99, plus `failure_rate`), `#throughput-chart`, `#components-table`,
/// `#topology-diagram` (`g.node[data-node]` with `data-injected` and
/// `data-failing`), `#diagnosis`, `#injected`, `#trace` (the waterfall).
public enum ReportPage {
    /// A node is drawn as failing when at least this fraction of its calls failed.
    public static let failingFraction = 0.01

    public static func html(_ report: LoadTestReport) -> String {
        let r = report.result
        let json = report.json
        let e = HTMLText.escape
        var body = "<main>\n<h1>Load test: \(e(r.system))</h1>\n"
        body += "<p class=\"subtitle\">\(e(r.workload.summary)) · seed \(r.options.seed) · \(e(DurationText.format(r.duration))) of virtual time</p>\n"
        body += HTMLPage.panel(id: "summary", title: "Summary", summary(report) + thresholds(report))
        body += HTMLPage.panel(id: "phases", title: "Phases", phases(r))
        body += HTMLPage.panel(id: "latency", title: "Latency and failures over time", latencyChart(r))
        body += HTMLPage.panel(id: "throughput", title: "Throughput", throughputChart(r))
        body += HTMLPage.panel(id: "topology", title: "Topology", topology(r))
        body += HTMLPage.panel(id: "components", title: "Components", components(r))
        body += HTMLPage.panel(id: "diagnosis", title: "Diagnosis", diagnosis(json, r))
        body += HTMLPage.panel(id: "trace-panel", title: "A sampled trace", sampledTrace(r))
        if !r.warnings.isEmpty {
            body += HTMLPage.panel(id: "warnings", title: "Warnings", "<ul>" + r.warnings.map { "<li>\(e($0))</li>" }.joined() + "</ul>\n")
        }
        body += "<footer>libsyslab · report format \(e(json["format"]?.stringValue ?? "")) v\(SimulationResult.formatVersion)</footer>\n</main>\n"
        return HTMLPage.document(title: "Load test: " + r.system, body: body)
    }

    static func ms(_ seconds: Double) -> String { HTMLText.milliseconds(seconds * 1000) }

    /// Axis labels stay short: "250 ms", "7.5 s".
    static func axisMilliseconds(_ ms: Double) -> String {
        ms >= 1000 ? JSONValue.format(number: (ms / 100).rounded() / 10) + " s" : HTMLText.fixed(ms, ms >= 10 || ms == 0 ? 0 : 1) + " ms"
    }

    static func card(_ label: String, _ value: String, id: String? = nil) -> String {
        "<div class=\"card\"" + (id.map { " id=\"\($0)\"" } ?? "") + "><div class=\"label\">\(HTMLText.escape(label))</div><div class=\"value\">\(value)</div></div>"
    }

    // MARK: summary, thresholds, phases

    static func summary(_ report: LoadTestReport) -> String {
        let r = report.result
        let e = HTMLText.escape
        let verdict = report.thresholds.isEmpty ? HTMLPage.badge("no thresholds", kind: "none")
            : report.passed ? HTMLPage.badge("passed", kind: "pass") : HTMLPage.badge("failed", kind: "fail")
        var s = "<div class=\"cards\">"
        s += card("thresholds", verdict, id: "verdict")
        s += card("requests completed", e(HTMLText.count(r.completed)))
        s += card("throughput", e(HTMLText.fixed(r.throughput, 1) + "/s"))
        s += card("failed", e(HTMLText.percent(r.failureRate)) + " <span class=\"muted\">(\(e(HTMLText.count(r.failed))))</span>")
        s += card("p50", e(ms(r.latency.p50)))
        s += card("p95", e(ms(r.latency.p95)))
        s += card("p99", e(ms(r.latency.p99)))
        s += card("max", e(ms(r.latency.max)))
        s += card("peak in flight", e(HTMLText.count(r.peakInFlight)))
        if r.droppedIterations > 0 { s += card("dropped iterations", e(HTMLText.count(r.droppedIterations))) }
        s += "</div>\n"
        if !r.causes.isEmpty {
            let causes = r.causes.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
            s += "<p class=\"muted\">failures by cause: " + causes.map { "\(e($0.key)) \(HTMLText.count($0.value))" }.joined(separator: ", ") + "</p>\n"
        }
        return s
    }

    static func thresholds(_ report: LoadTestReport) -> String {
        guard !report.thresholds.isEmpty else { return "<p class=\"muted\" id=\"thresholds-table\">No thresholds were set.</p>\n" }
        let e = HTMLText.escape
        let rows = report.thresholds.map { t -> [String] in
            let value = t.threshold.metric.hasSuffix("_failed") || t.threshold.aggregation == "rate"
                ? HTMLText.percent(t.value) : t.threshold.metric.hasSuffix("_duration") ? ms(t.value) : HTMLText.fixed(t.value, 3)
            return ["<code>\(e(t.threshold.metric))</code>", "<code>\(e(t.threshold.expression))</code>", e(value),
                    t.passed ? HTMLPage.badge("pass", kind: "pass") : HTMLPage.badge("fail", kind: "fail")]
        }
        return "<h3>Thresholds</h3>\n" + HTMLPage.table(id: "thresholds-table", header: ["metric", "threshold", "actual", "result"], rows: rows,
                                                         rowAttributes: report.thresholds.map { "data-ok=\"\($0.passed)\"" })
    }

    static func phases(_ r: SimulationResult) -> String {
        let e = HTMLText.escape
        let rows = r.phases.map { p -> [String] in
            let window = DurationText.format(p.start) + "–" + DurationText.format(p.end)
            let scenarios = p.scenarios.isEmpty ? "<span class=\"muted\">none</span>" : p.scenarios.map { "<code>\(e($0))</code>" }.joined(separator: " + ")
            if p.noCompletions {
                return [e(p.name), e(window), scenarios, HTMLText.count(p.started), "0", "–", "<span class=\"muted\">no request completed</span>", "", ""]
            }
            return [e(p.name), e(window), scenarios, HTMLText.count(p.started), HTMLText.count(p.requests), e(HTMLText.percent(p.failureRate)),
                    e(ms(p.latency.p50)), e(ms(p.latency.p95)), e(ms(p.latency.p99))]
        }
        return HTMLPage.table(id: "phases-table", header: ["phase", "window", "scenarios", "started", "completed", "failed", "p50", "p95", "p99"],
                              rows: rows, rowAttributes: r.phases.map { "data-phase=\"\(e($0.name))\"" })
    }

    // MARK: charts

    static func windows(_ r: SimulationResult) -> [TimeSeriesChart.Window] {
        r.schedule.entries.map { TimeSeriesChart.Window(start: $0.at, end: $0.end, label: $0.name) }
    }

    static func latencyChart(_ r: SimulationResult) -> String {
        guard !r.series.isEmpty else { return "<p class=\"muted\">No interval completed: the run recorded no time series.</p>\n" }
        let rows = r.series
        let chart = TimeSeriesChart(
            id: "latency-chart", title: "Request latency p50, p95, p99 and failure rate per interval",
            times: rows.map(\.time),
            left: .init(label: "latency", format: axisMilliseconds, series: [
                .init(key: "p50", label: "p50", colour: "var(--p50)", values: rows.map { $0.p50 * 1000 }),
                .init(key: "p95", label: "p95", colour: "var(--p95)", values: rows.map { $0.p95 * 1000 }),
                .init(key: "p99", label: "p99", colour: "var(--p99)", values: rows.map { $0.p99 * 1000 }),
            ]),
            right: TimeSeriesChart.Axis(label: "failed", format: { pct in
                // Small rates keep decimals, so an axis topping at 1% does not read "1% 1% 0%".
                HTMLText.percent(pct / 100, pct == 0 || abs(pct) >= 10 ? 0 : abs(pct) >= 1 ? 1 : 2) }, series: [
                .init(key: "failure_rate", label: "failure rate (right axis)", colour: "var(--fail)",
                      values: rows.map { $0.completed == 0 ? 0 : Double($0.failed) / Double($0.completed) * 100 }, dashed: true),
            ]),
            windows: windows(r))
        return chart.html() + "<p class=\"muted\">One point per \(HTMLText.escape(DurationText.format(r.options.interval))) interval, by completion time; latency is measured from each request's intended start.</p>\n"
    }

    static func throughputChart(_ r: SimulationResult) -> String {
        guard !r.series.isEmpty else { return "<p class=\"muted\">No interval completed.</p>\n" }
        let interval = max(r.options.interval, 1e-9)
        let chart = TimeSeriesChart(
            id: "throughput-chart", title: "Requests completed and failed per second",
            times: r.series.map(\.time),
            left: .init(label: "requests/s", format: { HTMLText.fixed($0, $0 >= 10 ? 0 : 1) }, series: [
                .init(key: "completed", label: "completed/s", colour: "var(--accent)", values: r.series.map { Double($0.completed) / interval }),
                .init(key: "failed", label: "failed/s", colour: "var(--bad)", values: r.series.map { Double($0.failed) / interval }),
                .init(key: "started", label: "started/s", colour: "var(--muted)", values: r.series.map { Double($0.started) / interval }, dashed: true),
            ]),
            windows: windows(r))
        return chart.html()
    }

    // MARK: topology and components

    /// Nodes whose calls received a scenario's effects during the run.
    static func injected(_ r: SimulationResult) -> Set<String> {
        Set(r.components.filter { $0.effects > 0 }.map(\.id))
    }

    static func failing(_ r: SimulationResult) -> Set<String> {
        Set(r.components.filter { $0.failed > 0 && Double($0.failed) >= failingFraction * Double(max($0.arrivals, 1)) }.map(\.id))
    }

    static func topology(_ r: SimulationResult) -> String {
        let injected = injected(r), failing = failing(r)
        var nodes: [GraphDiagram.Node] = []
        for (i, c) in r.components.enumerated() {
            let depth = i < r.nodeDepths.count ? r.nodeDepths[i] : 0
            var tooltip = "\(c.id) (\(c.kind)): \(c.arrivals) calls, \(c.failed) failed"
            if c.effects > 0 { tooltip += ", \(c.effects) affected by a scenario" }
            nodes.append(GraphDiagram.Node(
                id: c.id, label: c.id, detail: c.kind + (c.effects > 0 ? " · injected" : "") + (failing.contains(c.id) ? " · failing" : ""),
                layer: max(depth, 0),
                attributes: [("data-kind", c.kind), ("data-injected", injected.contains(c.id) ? "true" : "false"),
                             ("data-failing", failing.contains(c.id) ? "true" : "false")],
                tooltip: tooltip))
        }
        let edges = r.edges.map { GraphDiagram.Edge(from: $0.from, to: $0.to, dashed: $0.mode == "async") }
        var s = GraphDiagram(nodes: nodes, edges: edges).svg(id: "topology-diagram", title: "Topology of \(r.system)")
        s += "<p class=\"legend\"><span>dashed red box: a scenario injected effects there</span>"
        s += "<span>red outline: at least \(HTMLText.percent(failingFraction, 0)) of its calls failed</span><span>dashed line: asynchronous</span></p>\n"
        return s
    }

    static func components(_ r: SimulationResult) -> String {
        let e = HTMLText.escape
        let injected = injected(r), failing = failing(r)
        var rows: [[String]] = []
        var attributes: [String] = []
        for (i, c) in r.components.enumerated() {
            let utilisation = r.series.map { i < $0.utilisation.count ? $0.utilisation[i] : .nan }
            let arrivals = r.series.map { i < $0.arrivals.count ? Double($0.arrivals[i]) : .nan }
            let queue = r.series.map { i < $0.queue.count ? $0.queue[i] : .nan }
            let failedFraction = c.arrivals == 0 ? 0 : Double(c.failed) / Double(c.arrivals)
            rows.append([
                "<strong>\(e(c.id))</strong>" + (injected.contains(c.id) ? " " + HTMLPage.badge("injected", kind: "warning") : "")
                    + (failing.contains(c.id) ? " " + HTMLPage.badge("failing", kind: "fail") : ""),
                e(c.kind), c.servers.map { HTMLText.count($0) } ?? "unlimited",
                e(HTMLText.fixed(c.arrivalRate, 1)) + "/s", e(HTMLText.percent(failedFraction)),
                c.utilisation.map { e(HTMLText.percent($0, 0)) } ?? "n/a", e(HTMLText.fixed(c.meanQueue, 2)),
                c.latency.map { e(ms($0.p99)) } ?? "–",
                Sparkline.svg(arrivals, label: "\(c.id) arrivals per interval"),
                c.servers == nil ? "<span class=\"muted\">n/a</span>" : Sparkline.svg(utilisation, label: "\(c.id) utilisation", colour: "var(--p95)"),
                Sparkline.svg(queue, label: "\(c.id) mean queue", colour: "var(--p99)"),
            ])
            attributes.append("data-node=\"\(e(c.id))\" data-injected=\"\(injected.contains(c.id))\" data-failing=\"\(failing.contains(c.id))\"")
        }
        return HTMLPage.table(id: "components-table",
                              header: ["node", "kind", "servers", "arrivals", "failed", "utilisation", "mean queue", "p99 at node",
                                       "arrivals over time", "utilisation over time", "queue over time"],
                              rows: rows, rowAttributes: attributes)
    }

    // MARK: diagnosis

    static func diagnosis(_ json: JSONValue, _ r: SimulationResult) -> String {
        let e = HTMLText.escape
        let findings = json["diagnosis"]?.arrayValue ?? []
        var s = ""
        if findings.isEmpty { s += "<p class=\"muted\">No findings: nothing in the run's numbers stood out.</p>\n" }
        s += "<ul class=\"findings\" id=\"findings\">\n"
        for finding in findings {
            let severity = finding["severity"]?.stringValue ?? "info"
            s += "<li data-severity=\"\(e(severity))\">" + HTMLPage.badge(severity, kind: severity)
            s += " <span class=\"title\">\(e(finding["title"]?.stringValue ?? "(untitled)"))</span>"
            if let evidence = finding["evidence"], !evidence.isNull { s += "<p><strong>evidence</strong> \(jsonText(evidence))</p>" }
            if let tip = finding["tip"], !tip.isNull { s += "<p><strong>tip</strong> \(jsonText(tip))</p>" }
            for (key, value) in (finding.objectValue ?? [:]).sorted(by: { $0.key < $1.key })
            where !["severity", "title", "evidence", "tip"].contains(key) && !value.isNull {
                s += "<p class=\"muted\">\(e(key)): \(jsonText(value))</p>"
            }
            s += "</li>\n"
        }
        s += "</ul>\n"
        // What the simulator applied, apart from the findings (which never read it).
        s += "<h3>Injected</h3>\n<div id=\"injected\">\n"
        if let note = json["injected"]?["note"]?.stringValue { s += "<p class=\"muted\">\(e(note))</p>\n" }
        s += injectedFromPhases(r)
        s += "</div>\n"
        return s
    }

    /// What the scenarios did, from the effects counted per phase and node.
    static func injectedFromPhases(_ r: SimulationResult) -> String {
        let e = HTMLText.escape
        var rows: [[String]] = []
        var attributes: [String] = []
        for phase in r.phases where !phase.scenarios.isEmpty {
            for c in phase.components where c.effects > 0 {
                rows.append([e(phase.name), phase.scenarios.map { "<code>\(e($0))</code>" }.joined(separator: " + "), "<strong>\(e(c.id))</strong>",
                             HTMLText.count(c.effects), HTMLText.count(c.arrivals), e(ms(c.meanService))])
                attributes.append("data-node=\"\(e(c.id))\"")
            }
        }
        var s = ""
        if rows.isEmpty {
            s += "<p class=\"muted\">No scenario effect reached a node in this run.</p>\n"
        } else {
            s += HTMLPage.table(header: ["phase", "scenarios", "node", "calls affected", "calls", "time per call"], rows: rows, rowAttributes: attributes)
        }
        let kinds = r.effects.sorted { $0.key < $1.key }.map { scenario, byKind in
            "<code>\(e(scenario))</code>: " + byKind.sorted { $0.key < $1.key }.map { "\(e($0.key)) \(HTMLText.count($0.value))" }.joined(separator: ", ")
        }
        if !kinds.isEmpty { s += "<p class=\"muted\">effects applied: \(kinds.joined(separator: "; "))</p>\n" }
        return s
    }

    /// A JSON value as readable text (strings as they are, objects as key: value).
    static func jsonText(_ v: JSONValue) -> String {
        switch v {
        case .null: return ""
        case .bool(let b): return b ? "yes" : "no"
        case .number(let n): return HTMLText.escape(JSONValue.format(number: (n * 1000).rounded() / 1000))
        case .string(let s): return HTMLText.escape(s)
        case .array(let items): return items.map(jsonText).joined(separator: "; ")
        case .object(let o): return o.sorted { $0.key < $1.key }.map { "\(HTMLText.escape($0.key)): \(jsonText($0.value))" }.joined(separator: ", ")
        }
    }

    // MARK: trace

    /// The slowest kept trace: the one a reader most wants to see.
    static func sampledTrace(_ r: SimulationResult) -> String {
        guard let trace = r.traces.max(by: { ($0.durationMs, $1.traceId.hex) < ($1.durationMs, $0.traceId.hex) }) else {
            return "<p class=\"muted\">No trace was kept; options.traces sets head and tail sampling.</p>\n"
        }
        var s = "<p class=\"muted\">The slowest of \(r.traces.count) kept trace\(r.traces.count == 1 ? "" : "s"): \(HTMLText.escape(WaterfallRenderer().header(trace))).</p>\n"
        s += WaterfallRenderer().html(trace, id: "trace")
        return s
    }
}
