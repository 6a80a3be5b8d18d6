import SyslabCore
import Testing
@testable import SyslabTracing

@Suite("The trace page")
struct TracePageTests {
    let trace = try! TraceGenerator.generate(template: BuiltinTemplates.template("kafka-fanout")!, variant: .error,
                                             options: TraceOptions(seed: 5))

    func count(_ needle: String, in haystack: String) -> Int { haystack.components(separatedBy: needle).count - 1 }

    @Test func holdsThePanels() throws {
        let html = try TraceRenderer.render(trace, format: .html)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</html>\n"))
        for id in ["summary", "service-map", "waterfall", "spans-table", "analysis"] {
            #expect(html.contains("id=\"\(id)\""), "missing #\(id)")
        }
        #expect(count("class=\"wf-row\"", in: html) == trace.spans.count)
        #expect(count("<tr data-span-id=", in: html) == trace.spans.count)
        let analysis = TraceAnalyzer.analyze(trace)
        #expect(!analysis.findings.isEmpty)
        #expect(count("<li data-severity=", in: html) == analysis.findings.count)
        for service in trace.services { #expect(html.contains("data-node=\"\(HTMLText.escape(service))\"") || html.contains(">\(HTMLText.escape(service))<")) }
        #expect(!html.contains("<script"))
    }

    @Test func marksFailingServices() throws {
        let html = TracePage.html(trace)
        let failing = Set(trace.errorSpans.map { $0.node.isEmpty ? $0.service : $0.node })
        #expect(!failing.isEmpty)
        // (The style sheet names the attribute too, inside a selector: `[data-failing="true"] rect`.)
        #expect(count("data-failing=\"true\">", in: html) == failing.count)
    }

    @Test func escapesHostileNames() throws {
        var hostile = trace
        hostile.template = "<script>alert(1)</script>"
        hostile.spans[0].service = "\"><svg onload=alert(2)>"
        hostile.spans[0].name = "'</style>\u{0}\u{7}"
        let html = TracePage.html(hostile)
        #expect(!html.contains("<script>") && !html.contains("<svg onload") && !html.contains("</style>\u{0}"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("&quot;&gt;&lt;svg onload=alert(2)&gt;"))
        #expect(!html.unicodeScalars.contains { $0.value == 0 || $0.value == 7 }, "control characters become spaces")
    }

    @Test func escapeAndNumbers() {
        #expect(HTMLText.escape("a<b>&\"'\u{1}\n") == "a&lt;b&gt;&amp;&quot;&#39; \n")
        #expect(HTMLText.fixed(1.25, 1) == "1.3" || HTMLText.fixed(1.25, 1) == "1.2")
        #expect(HTMLText.fixed(-0.05, 2) == "-0.05")
        #expect(HTMLText.fixed(3, 0) == "3")
        #expect(HTMLText.fixed(.nan) == "–")
        #expect(HTMLText.milliseconds(0.25) == "250 µs")
        #expect(HTMLText.milliseconds(12.34) == "12.3 ms")
        #expect(HTMLText.milliseconds(15_000) == "15.0 s")
        #expect(HTMLText.percent(0.0123) == "1.23%")
        #expect(HTMLText.count(1234567) == "1\u{202F}234\u{202F}567")
    }
}
