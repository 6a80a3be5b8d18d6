import SyslabTracing

/// A word-sized line chart for a table cell: one value per interval, scaled
/// to its own maximum (given in the tooltip). NaN values (no capacity to
/// measure) break the line. Past `maxPoints` intervals, each point is the
/// largest of a run of intervals, so a long run keeps its peaks and the page
/// stays small.
enum Sparkline {
    static let maxPoints = 240

    static func svg(_ intervals: [Double], label: String, colour: String = "var(--accent)") -> String {
        let values = downsampled(intervals)
        let width = 90.0, height = 22.0
        let finite = values.filter(\.isFinite)
        let top = max(finite.max() ?? 0, 1e-12)
        let e = HTMLText.escape, c = HTMLText.coordinate
        var segments: [[String]] = [[]]
        for (i, v) in values.enumerated() {
            guard v.isFinite else { if !segments[segments.count - 1].isEmpty { segments.append([]) }; continue }
            let x = values.count > 1 ? Double(i) / Double(values.count - 1) * width : width / 2
            segments[segments.count - 1].append("\(c(x)),\(c(height - 2 - v / top * (height - 4)))")
        }
        let tooltip = "\(label): max \(HTMLText.fixed(finite.max() ?? 0, 2)) over \(intervals.count) intervals"
        var s = "<svg class=\"spark\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" "
        s += "data-points=\"\(values.count)\" role=\"img\" aria-label=\"\(e(tooltip))\" xmlns=\"http://www.w3.org/2000/svg\"><title>\(e(tooltip))</title>"
        for segment in segments where !segment.isEmpty {
            s += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.5\" points=\"\(segment.joined(separator: " "))\"/>"
        }
        s += "</svg>"
        return s
    }

    /// At most `maxPoints` values: the largest finite value of each run (NaN when a run has none).
    static func downsampled(_ values: [Double]) -> [Double] {
        guard values.count > maxPoints else { return values }
        return (0..<maxPoints).map { k in
            let run = values[(k * values.count / maxPoints)..<((k + 1) * values.count / maxPoints)]
            return run.filter(\.isFinite).max() ?? .nan
        }
    }
}
