extension WaterfallRenderer {
    /// The waterfall as HTML for the trace page and the load-test report: one
    /// row per span (`data-span-id`, `data-depth`, `data-error`), bars placed in
    /// percent of the trace so the panel fits any screen width; colours by
    /// component category come from the page's CSS.
    public func html(_ trace: Trace, id: String = "waterfall") -> String {
        let e = HTMLText.escape
        let scale = TimeScale(trace: trace)
        let rows = trace.depthFirst()
        func percent(_ ms: Double) -> Double { min(max(ms / scale.totalMs * 100, 0), 100) }
        var s = "<div class=\"waterfall\" id=\"\(e(id))\" data-trace-id=\"\(trace.traceId.hex)\" data-spans=\"\(rows.count)\">\n"
        s += "<div class=\"wf-head\"><div class=\"spacer muted\">service · operation</div><div class=\"wf-axis\">"
        for tick in scale.ticks(count: 4) where tick <= scale.totalMs {
            // Labels near the right edge end at their tick instead of centring on it.
            let shift = percent(tick) > 90 ? "; transform: translateX(-100%)" : percent(tick) < 5 ? "; transform: none" : ""
            s += "<span style=\"left: \(HTMLText.fixed(percent(tick), 2))%\(shift)\">\(e(TimeScale.tick(ms: tick)))</span>"
        }
        s += "</div></div>\n"
        for (span, depth) in rows {
            let startMs = scale.offsetMs(span.startUnixNano)
            let left = percent(startMs)
            let width = max(percent(scale.offsetMs(span.endUnixNano)) - left, 0.3)
            let category = ComponentCatalogue.kind(span.component)?.category.rawValue ?? "unknown"
            var label = TimeScale.format(ms: span.durationMs)
            if span.isError { label += " ✗ " + (span.status.message.isEmpty ? "error" : span.status.message) }
            // The label goes after the bar; inside a long bar; before a bar that ends near the right edge.
            let place: (css: String, inside: Bool) = width >= 40 ? ("left: \(HTMLText.fixed(left + 0.5, 2))%", true)
                : left + width > 70 ? ("right: \(HTMLText.fixed(100 - left + 0.5, 2))%", false)
                : ("left: \(HTMLText.fixed(left + width + 0.5, 2))%", false)
            var tooltip = "\(span.service): \(span.name)\nstart +\(TimeScale.format(ms: startMs)), duration \(TimeScale.format(ms: span.durationMs))"
            if span.isError { tooltip += "\nerror: \(span.status.message)" }
            s += "<div class=\"wf-row\" data-span-id=\"\(span.spanId.hex)\" data-depth=\"\(depth)\" data-kind=\"\(e(span.kind.rawValue))\" data-error=\"\(span.isError)\" title=\"\(e(tooltip))\">"
            s += "<div class=\"wf-label\" style=\"padding-left: \(min(depth, 12) * 12)px\"><span class=\"svc\">\(e(span.service))</span><span class=\"op\">\(e(span.name))</span></div>"
            s += "<div class=\"wf-track\"><div class=\"wf-bar cat-\(e(category))\" style=\"left: \(HTMLText.fixed(left, 2))%; width: \(HTMLText.fixed(width, 2))%\"></div>"
            s += "<span class=\"wf-time\(place.inside ? " inside" : "")\" style=\"\(place.css)\">\(e(label))</span></div></div>\n"
        }
        s += "</div>\n"
        return s
    }
}
