import SyslabCore

/// Draws a trace as a waterfall: one row per span in depth-first order,
/// indented by depth, with a bar placed and sized by time, the start offset
/// and duration of each hop, and the status. `text` is for terminals, `svg`
/// a standalone image.
public struct WaterfallRenderer: Sendable {
    /// Bar area width in characters (text) .
    public var width: Int
    /// Use ANSI colours (red errors, cyan consumers).
    public var color: Bool
    /// Plain ASCII bars instead of block characters.
    public var ascii: Bool

    public init(width: Int = 60, color: Bool = false, ascii: Bool = false) {
        self.width = min(max(width, 10), 400); self.color = color; self.ascii = ascii
    }

    // MARK: text

    public func text(_ trace: Trace) -> String {
        let scale = TimeScale(trace: trace)
        let rows = trace.depthFirst()
        let labelWidth = min(40, max(12, rows.map { $0.depth * 2 + $0.span.service.count }.max() ?? 12))
        let opWidth = min(36, max(9, rows.map { $0.span.name.count }.max() ?? 9))
        var out = header(trace) + "\n"

        // Axis: tick labels over the bar area.
        var axis = Array(repeating: Character(" "), count: width + 12)
        for tick in scale.ticks(count: 4) {
            let col = Int((tick / scale.totalMs * Double(width)).rounded(.down))
            let label = Array(TimeScale.tick(ms: tick))
            let at = min(max(0, col), axis.count - label.count)
            guard axis[at..<(at + label.count)].allSatisfy({ $0 == " " }) else { continue }
            for (i, c) in label.enumerated() { axis[at + i] = c }
        }
        out += "service".fitted(labelWidth) + "  " + "operation".fitted(opWidth) + "  " + String(axis).trimmingTrailingSpaces() + "\n"

        let fill: Character = ascii ? "=" : "█"
        let empty: Character = ascii ? " " : " "
        for (span, depth) in rows {
            let startMs = scale.offsetMs(span.startUnixNano)
            let endMs = scale.offsetMs(span.endUnixNano)
            var first = Int((startMs / scale.totalMs * Double(width)).rounded(.down))
            var last = Int((endMs / scale.totalMs * Double(width)).rounded(.up))
            first = min(max(first, 0), width - 1)
            last = min(max(last, first + 1), width)
            var bar = String(repeating: empty, count: first) + String(repeating: fill, count: last - first)
            bar += String(repeating: " ", count: width - last)
            // Indentation past the label width would be cut anyway; building it
            // whole made deep traces quadratic.
            let name = (String(repeating: " ", count: min(depth * 2, labelWidth)) + span.service).fitted(labelWidth)
            var status = ""
            if span.isError {
                let code = span.attribute("http.response.status_code")?.text ?? span.attribute("rpc.grpc.status_code").map { "grpc \($0.text)" }
                status = (ascii ? "ERROR" : "✗") + (code.map { " \($0)" } ?? "") + " " + span.status.message
            } else if span.kind == .consumer {
                status = "async"
            }
            let timing = "@" + TimeScale.format(ms: startMs).fitted(9) + " " + TimeScale.format(ms: span.durationMs).fitted(9)
            var line = name + "  " + span.name.fitted(opWidth) + "  " + paint(bar, span) + "  " + timing
            if !status.isEmpty { line += "  " + paint(status, span) }
            out += line.trimmingTrailingSpaces() + "\n"
        }
        return out
    }

    /// "template/variant · trace <id> · duration · spans · errors".
    public func header(_ trace: Trace) -> String {
        var parts: [String] = []
        if !trace.template.isEmpty { parts.append(trace.template + (trace.variant.isEmpty ? "" : "/" + trace.variant)) }
        parts.append("trace \(trace.traceId.hex)")
        parts.append(TimeScale.format(ms: trace.durationMs))
        parts.append("\(trace.spans.count) span\(trace.spans.count == 1 ? "" : "s")")
        let errors = trace.errorSpans.count
        parts.append("\(errors) error\(errors == 1 ? "" : "s")")
        return parts.joined(separator: " · ")
    }

    private func paint(_ s: String, _ span: Span) -> String {
        guard color else { return s }
        if span.isError { return "\u{1B}[31m" + s + "\u{1B}[0m" }
        if span.kind == .consumer { return "\u{1B}[36m" + s + "\u{1B}[0m" }
        return s
    }

    // MARK: SVG

    /// A standalone SVG document (no external resources): bars coloured by
    /// component category, red for errors, a dashed line for each async link,
    /// and a tooltip (`<title>`) with each span's attributes.
    public func svg(_ trace: Trace, pixelWidth: Int = 1100) -> String {
        let scale = TimeScale(trace: trace)
        let rows = trace.depthFirst()
        let rowHeight = 24.0, top = 56.0, labelArea = 330.0, right = 110.0
        let chartWidth = Double(max(pixelWidth, 400)) - labelArea - right
        let height = top + Double(rows.count) * rowHeight + 20
        func x(_ ms: Double) -> Double { labelArea + ms / scale.totalMs * chartWidth }
        var s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(pixelWidth)\" height=\"\(Int(height))\" viewBox=\"0 0 \(pixelWidth) \(Int(height))\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
        s += "<title>\(xml(header(trace)))</title>\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
        s += "<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">\(xml(header(trace)))</text>\n"
        for tick in scale.ticks(count: 6) {
            let tx = fmt(x(tick))
            s += "<line x1=\"\(tx)\" y1=\"\(Int(top) - 14)\" x2=\"\(tx)\" y2=\"\(Int(height) - 16)\" stroke=\"#e5e7eb\"/>"
            s += "<text x=\"\(tx)\" y=\"\(Int(top) - 18)\" fill=\"#6b7280\" text-anchor=\"middle\">\(xml(TimeScale.tick(ms: tick)))</text>\n"
        }
        var rowOf: [SpanId: Int] = [:]
        for (i, row) in rows.enumerated() { rowOf[row.span.spanId] = i }
        for (i, (span, depth)) in rows.enumerated() {
            let y = top + Double(i) * rowHeight
            let startMs = scale.offsetMs(span.startUnixNano), endMs = scale.offsetMs(span.endUnixNano)
            let bx = x(startMs), bw = max(2, x(endMs) - bx)
            let colour = span.isError ? "#dc2626" : categoryColour(span.component)
            if i % 2 == 1 { s += "<rect x=\"0\" y=\"\(fmt(y))\" width=\"\(pixelWidth)\" height=\"\(fmt(rowHeight))\" fill=\"#f9fafb\"/>" }
            s += "<g>"
            s += "<title>\(xml(tooltip(span, startMs: startMs)))</title>"
            s += "<text x=\"\(fmt(10 + Double(depth) * 14))\" y=\"\(fmt(y + 16))\" fill=\"#111827\">\(xml(span.service.fitted(22).trimmingTrailingSpaces()))</text>"
            s += "<text x=\"\(fmt(170 + Double(depth) * 4))\" y=\"\(fmt(y + 16))\" fill=\"#4b5563\">\(xml(span.name.fitted(max(8, 26 - depth)).trimmingTrailingSpaces()))</text>"
            s += "<rect x=\"\(fmt(bx))\" y=\"\(fmt(y + 5))\" width=\"\(fmt(bw))\" height=\"\(fmt(rowHeight - 10))\" rx=\"2\" fill=\"\(colour)\"\(span.kind == .consumer ? " fill-opacity=\"0.75\"" : "")/>"
            let label = TimeScale.format(ms: span.durationMs) + (span.isError ? " ✗" : "")
            s += "<text x=\"\(fmt(bx + bw + 4))\" y=\"\(fmt(y + 16))\" fill=\"\(span.isError ? "#dc2626" : "#374151")\">\(xml(label))</text>"
            s += "</g>\n"
            for link in span.links {
                guard let from = rowOf[link.spanId] else { continue }
                let producer = rows[from].span
                let fy = top + Double(from) * rowHeight + rowHeight / 2
                let px = x(scale.offsetMs(producer.endUnixNano))
                s += "<path d=\"M\(fmt(px)) \(fmt(fy)) L\(fmt(bx)) \(fmt(y + rowHeight / 2))\" stroke=\"#6b7280\" stroke-dasharray=\"4 3\" fill=\"none\"/>\n"
            }
        }
        s += "</svg>\n"
        return s
    }

    private func tooltip(_ span: Span, startMs: Double) -> String {
        var lines = ["\(span.service): \(span.name)", "kind \(span.kind.rawValue), start +\(TimeScale.format(ms: startMs)), duration \(TimeScale.format(ms: span.durationMs))",
                     "span \(span.spanId.hex)"]
        if span.isError { lines.append("error: \(span.status.message)") }
        for a in span.attributes where !a.key.hasPrefix("syslab.") { lines.append("\(a.key) = \(a.value.text)") }
        return lines.joined(separator: "\n")
    }

    private func categoryColour(_ component: String) -> String {
        switch ComponentCatalogue.kind(component)?.category {
        case .clients?: return "#6366f1"
        case .edge?, .security?: return "#0ea5e9"
        case .services?, .containers?: return "#10b981"
        case .dataStores?: return "#f59e0b"
        case .ai?: return "#a855f7"
        case .messaging?: return "#ec4899"
        case .external?: return "#64748b"
        case .observability?, .infra?: return "#84cc16"
        case .serverless?: return "#f97316"
        case nil: return "#9ca3af"
        }
    }

    private func fmt(_ v: Double) -> String { String(format1: v) }

    /// Text for SVG: the same escaping as the HTML pages (XML accepts it).
    func xml(_ s: String) -> String { HTMLText.escape(s) }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
