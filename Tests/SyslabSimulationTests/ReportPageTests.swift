import SyslabCore
import SyslabTracing
import Testing
@testable import SyslabSimulation

/// The HTML report: what it holds, that it holds it once per interval, node
/// and finding, and that names from users stay text.
@Suite struct ReportPageTests {
    /// A topology whose name, labels and operations try to break out of the page.
    static let hostileName = "<script>alert(\"name\")</script> & 'quoted'"
    static let hostileLabel = "\"><img src=x onerror=alert(1)>"

    static let shared = Result { () throws -> LoadTestReport in
        let test = try LoadTest(config: JSONValue.parse("""
        {"system": {"topology": {"name": \(JSONValue.string(hostileName).serialized()),
                                 "nodes": [{"id": "api", "kind": "backend", "label": \(JSONValue.string(hostileLabel).serialized())},
                                           {"id": "db", "kind": "postgres", "operation": "SELECT </style><b>x"}],
                                 "edges": [{"from": "api", "to": "db"}]}},
         "workload": {"executor": "constant-arrival-rate", "rate": 50, "duration": "20s"},
         "scenarios": [{"name": "error-burst", "at": "5s", "duration": "5s", "params": {"target": {"tags": ["db"]}}}],
         "thresholds": {"http_req_failed": ["rate<0.01"]},
         "options": {"seed": 7, "traces": {"head": 0.05, "errors": true, "max": 10}}}
        """))
        return try test.run()
    }

    func report() throws -> LoadTestReport { try Self.shared.get() }

    func count(_ needle: String, in haystack: String) -> Int {
        haystack.components(separatedBy: needle).count - 1
    }

    @Test func isOneSelfContainedDocument() throws {
        let html = try report().html
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.hasSuffix("</html>\n"))
        #expect(count("<html", in: html) == 1)
        #expect(html.contains("Content-Security-Policy"))
        #expect(html.contains("prefers-color-scheme: dark"))
        #expect(html.contains("name=\"viewport\""))
        // Nothing to fetch: no script, no link, no external URL in src or href.
        for forbidden in ["<script", "<link", "src=\"http", "href=\"http", "@import", "url(http"] {
            #expect(!html.contains(forbidden), "found \(forbidden)")
        }
    }

    @Test func namesAreEscaped() throws {
        let html = try report().html
        #expect(!html.contains(Self.hostileName))
        #expect(!html.contains("<img"))
        #expect(!html.contains("</style><b>"))
        #expect(html.contains("&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;"))
        #expect(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))
        #expect(count("</style>", in: html) == 1)
    }

    @Test func latencyChartHasOnePointPerIntervalAndSeries() throws {
        let r = try report()
        let html = r.html
        let intervals = r.result.series.count
        #expect(intervals >= 20)
        #expect(html.contains("id=\"latency-chart\""))
        for series in ["p50", "p95", "p99", "failure_rate"] {
            #expect(count("class=\"pt\" data-series=\"\(series)\"", in: html) == intervals, "series \(series)")
        }
        // The scenario window is shaded on both charts.
        #expect(count("class=\"window\" data-scenario=\"error-burst\"", in: html) == 2)
    }

    @Test func holdsEverySection() throws {
        let r = try report()
        let html = r.html
        for id in ["summary", "thresholds-table", "phases-table", "latency-chart", "throughput-chart", "components-table",
                   "topology-diagram", "diagnosis", "injected", "trace"] {
            #expect(html.contains("id=\"\(id)\""), "missing #\(id)")
        }
        for phase in r.result.phases { #expect(html.contains("data-phase=\"\(HTMLText.escape(phase.name))\"")) }
        #expect(!r.diagnosis.isEmpty)
        for finding in r.diagnosis { #expect(html.contains(HTMLText.escape(finding.title))) }
        #expect(html.contains("badge-fail"), "the failure threshold is shown as failed")
    }

    @Test func marksTheInjectedAndFailingNodes() throws {
        let html = try report().html
        #expect(html.contains("<g class=\"node\" data-node=\"db\" data-kind=\"postgres\" data-injected=\"true\" data-failing=\"true\">"))
        #expect(html.contains("<g class=\"node\" data-node=\"api\" data-kind=\"backend\" data-injected=\"false\""))
        #expect(html.contains("<tr data-node=\"db\">"), "the injected table names db")
    }

    @Test func showsTheSlowestTraceAsAWaterfall() throws {
        let r = try report()
        let slowest = try #require(r.result.traces.max { $0.durationMs < $1.durationMs })
        let html = r.html
        #expect(html.contains("id=\"trace\" data-trace-id=\"\(slowest.traceId.hex)\""))
        #expect(count("class=\"wf-row\"", in: html) == slowest.spans.count)
    }

    @Test func readsFindingsFromTheJSONAndShowsTheInjectedSectionApart() throws {
        let json: JSONValue = ["diagnosis": [["severity": "warning", "title": "<b>t</b>", "evidence": "e", "tip": "tip", "kind": "latency-origin"]],
                               "injected": ["note": "what the <simulator> applied"]]
        let html = ReportPage.diagnosis(json, try report().result)
        #expect(html.contains("&lt;b&gt;t&lt;/b&gt;"))
        #expect(html.contains("data-severity=\"warning\""))
        #expect(html.contains("kind: latency-origin"))
        let injected = try #require(html.range(of: "<div id=\"injected\">")).upperBound
        #expect(html[injected...].contains("what the &lt;simulator&gt; applied"))
        #expect(html[injected...].contains("<tr data-node=\"db\">"), "the fixture's scenario acted on db")
    }

    @Test func aRunWithoutTracesOrScenariosStillRenders() throws {
        let test = try LoadTest(config: JSONValue.parse("""
        {"system": {"template": "simple"}, "workload": {"executor": "constant-arrival-rate", "rate": 20, "duration": "3s"},
         "options": {"seed": 1, "traces": {"head": 0}}}
        """))
        let html = try test.run().html
        #expect(html.contains("No trace was kept"))
        #expect(html.contains("No thresholds were set."))
        #expect(html.contains("No scenario effect reached a node"))
        #expect(!html.contains("data-injected=\"true\" data-failing"))
        #expect(html.contains("data-injected=\"false\" data-failing"))
    }

    @Test func sparklinesOfLongRunsKeepTheirPeaks() {
        let values = (0..<1000).map { Double($0 % 100) }
        let points = Sparkline.downsampled(values)
        #expect(points.count == Sparkline.maxPoints)
        // Each of the ten peaks falls in exactly one run of about four intervals, and survives.
        #expect(points.filter { $0 == 99 }.count == 10)
        #expect(Sparkline.downsampled([1, .nan, 2]).count == 3)
        #expect(Sparkline.svg(values, label: "x").contains("data-points=\"\(Sparkline.maxPoints)\""))
    }
}
