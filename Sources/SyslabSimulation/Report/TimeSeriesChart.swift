import SyslabCore
import SyslabTracing

/// A line chart of values per interval as inline SVG: one line and one
/// point (`<circle class="pt" data-series=...>`) per interval for each
/// series, an optional second axis on the right, and time windows shaded
/// (the scenarios). Colours are CSS variables of the page.
struct TimeSeriesChart {
    struct Series {
        var key: String
        var label: String
        /// A CSS colour, e.g. "var(--p99)".
        var colour: String
        var values: [Double]
        var dashed = false
    }

    struct Axis {
        var label: String
        var format: (Double) -> String
        var series: [Series]
    }

    struct Window {
        var start: Double
        var end: Double
        var label: String
    }

    var id: String
    var title: String
    /// End of each interval, in seconds; the series have one value per time.
    var times: [Double]
    var left: Axis
    var right: Axis? = nil
    var windows: [Window] = []

    static let width = 640.0, height = 300.0
    static let plotLeft = 74.0, plotRight = 64.0, plotTop = 22.0, plotBottom = 36.0

    func html() -> String {
        let e = HTMLText.escape, c = HTMLText.coordinate
        let w = Self.width, h = Self.height
        let x0 = Self.plotLeft, x1 = w - (right == nil ? 16 : Self.plotRight)
        let y0 = h - Self.plotBottom, y1 = Self.plotTop
        let tMax = max(times.last ?? 1, windows.map(\.start).max() ?? 0, 1e-9)
        func x(_ t: Double) -> Double { x0 + min(max(t / tMax, 0), 1) * (x1 - x0) }
        let leftMax = Self.niceMaximum(left.series.flatMap(\.values))
        let rightMax = Self.niceMaximum(right?.series.flatMap(\.values) ?? [])
        func y(_ v: Double, _ top: Double) -> Double { y0 - min(max(v / top, 0), 1) * (y0 - y1) }

        var s = "<svg class=\"chart\" id=\"\(e(id))\" role=\"img\" aria-label=\"\(e(title))\" viewBox=\"0 0 \(c(w)) \(c(h))\" "
        s += "data-points=\"\(times.count)\" xmlns=\"http://www.w3.org/2000/svg\">\n<title>\(e(title))</title>\n"
        for window in windows {
            let a = x(window.start), b = x(min(window.end, tMax))
            guard b > a else { continue }
            s += "<rect class=\"window\" data-scenario=\"\(e(window.label))\" x=\"\(c(a))\" y=\"\(c(y1))\" width=\"\(c(b - a))\" height=\"\(c(y0 - y1))\" fill=\"var(--window)\">"
            s += "<title>\(e(window.label)) \(e(DurationText.format(window.start)))–\(e(window.end.isFinite ? DurationText.format(window.end) : "end"))</title></rect>\n"
        }
        for i in 0...4 {
            let fraction = Double(i) / 4
            let gy = y0 - fraction * (y0 - y1)
            s += "<line class=\"gridline\" x1=\"\(c(x0))\" y1=\"\(c(gy))\" x2=\"\(c(x1))\" y2=\"\(c(gy))\"/>"
            s += "<text x=\"\(c(x0 - 6))\" y=\"\(c(gy + 4))\" text-anchor=\"end\">\(e(left.format(leftMax * fraction)))</text>"
            if let right {
                s += "<text x=\"\(c(x1 + 6))\" y=\"\(c(gy + 4))\" text-anchor=\"start\">\(e(right.format(rightMax * fraction)))</text>"
            }
            s += "\n"
        }
        for tick in Self.timeTicks(tMax) {
            // The last label ends at its tick, so it stays inside the chart.
            let anchor = tick > tMax * 0.92 ? "end" : tick == 0 ? "start" : "middle"
            s += "<text x=\"\(c(x(tick)))\" y=\"\(c(y0 + 18))\" text-anchor=\"\(anchor)\">\(e(DurationText.format(tick)))</text>"
        }
        s += "\n<text x=\"\(c(x0))\" y=\"\(c(y1 - 2))\" text-anchor=\"start\" font-size=\"10\">\(e(left.label))</text>"
        if let right { s += "<text x=\"\(c(x1))\" y=\"\(c(y1 - 2))\" text-anchor=\"end\" font-size=\"10\">\(e(right.label))</text>" }
        s += "\n"
        let axes = [(left, leftMax)] + (right.map { [($0, rightMax)] } ?? [])
        for (axis, top) in axes {
            for series in axis.series {
                let points = zip(times, series.values).map { "\(c(x($0)))," + c(y($1.isFinite ? $1 : 0, top)) }
                s += "<g class=\"series\" data-series=\"\(e(series.key))\">"
                s += "<polyline fill=\"none\" stroke=\"\(series.colour)\" stroke-width=\"2\"\(series.dashed ? " stroke-dasharray=\"5 3\"" : "") points=\"\(points.joined(separator: " "))\"/>"
                for (t, v) in zip(times, series.values) {
                    s += "<circle class=\"pt\" data-series=\"\(e(series.key))\" data-t=\"\(JSONValue.format(number: t))\" data-v=\"\(HTMLText.fixed(v, 3))\" "
                    s += "cx=\"\(c(x(t)))\" cy=\"\(c(y(v.isFinite ? v : 0, top)))\" r=\"1.6\" fill=\"\(series.colour)\"/>"
                }
                s += "</g>\n"
            }
        }
        s += "<line x1=\"\(c(x0))\" y1=\"\(c(y0))\" x2=\"\(c(x1))\" y2=\"\(c(y0))\" stroke=\"var(--muted)\"/>\n</svg>\n"
        s += "<p class=\"legend\">"
        for (axis, _) in axes {
            for series in axis.series {
                s += "<span><i style=\"background: \(series.colour)\"></i>\(e(series.label))</span>"
            }
        }
        if !windows.isEmpty { s += "<span><i style=\"background: var(--window); height: 10px\"></i>scenario active</span>" }
        s += "</p>\n"
        return s
    }

    /// 1, 2, 2.5 or 5 times a power of ten, at least the largest value (1 for none).
    static func niceMaximum(_ values: [Double]) -> Double {
        let top = values.filter(\.isFinite).max() ?? 0
        guard top > 0 else { return 1 }
        var magnitude = 1.0
        while magnitude * 10 <= top { magnitude *= 10 }
        while magnitude > top { magnitude /= 10 }
        for step in [1.0, 2.0, 2.5, 5.0, 10.0] where step * magnitude >= top { return step * magnitude }
        return magnitude * 10
    }

    /// About five round times in [0, end].
    static func timeTicks(_ end: Double) -> [Double] {
        let raw = end / 5
        guard raw > 0, raw.isFinite else { return [0] }
        var magnitude = 1.0
        while magnitude * 10 <= raw { magnitude *= 10 }
        while magnitude > raw { magnitude /= 10 }
        let step = [1.0, 2.0, 5.0, 10.0].map { $0 * magnitude }.first { $0 >= raw } ?? magnitude * 10
        var out: [Double] = []
        var t = 0.0
        while t <= end + step * 1e-9, out.count < 50 { out.append(t); t += step }
        return out
    }
}
