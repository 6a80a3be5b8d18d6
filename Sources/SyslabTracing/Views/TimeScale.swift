import SyslabCore
/// Maps trace time to columns or pixels and picks round tick values
/// (1, 2 or 5 times a power of ten) for the axis.
struct TimeScale {
    let startNano: UInt64
    let totalMs: Double

    init(trace: Trace) {
        startNano = trace.startUnixNano
        totalMs = max(trace.durationMs, 0.001)
    }

    func offsetMs(_ nano: UInt64) -> Double { Double(nano &- startNano) / 1e6 }

    /// Tick positions in ms, about `count` of them, covering [0, totalMs].
    func ticks(count: Int) -> [Double] {
        let raw = totalMs / Double(max(1, count))
        var magnitude = 1.0
        while magnitude * 10 <= raw { magnitude *= 10 }
        while magnitude > raw { magnitude /= 10 }
        let step = [1.0, 2.0, 5.0, 10.0].map { $0 * magnitude }.first { $0 >= raw } ?? magnitude * 10
        var out: [Double] = []
        var t = 0.0
        while t <= totalMs + step * 1e-9 { out.append(t); t += step }
        return out
    }

    /// A duration for people: "0", "850 µs", "24.3 ms", "12.5 s".
    static func format(ms: Double) -> String {
        if ms <= 0 { return "0" }
        if ms >= 10_000 { return String(format1: ms / 1000) + " s" }
        if ms >= 1 { return String(format1: ms) + " ms" }
        return "\((ms * 1000).saturatingInt) µs"
    }

    /// Axis labels: round values, without a trailing ".0".
    static func tick(ms: Double) -> String {
        let text = format(ms: ms)
        return text.replacingSuffix(".0 ms", with: " ms").replacingSuffix(".0 s", with: " s")
    }
}

extension String {
    /// A number with one decimal, without Foundation's formatters.
    init(format1 value: Double) {
        let tenths = Int64((value * 10).saturatingInt)
        let sign = tenths < 0 ? "-" : ""
        let magnitude = tenths.magnitude
        self = "\(sign)\(magnitude / 10).\(magnitude % 10)"
    }

    func replacingSuffix(_ suffix: String, with replacement: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) + replacement : self
    }

    /// Pads or cuts to exactly `width` characters (cut text ends with an ellipsis).
    func fitted(_ width: Int) -> String {
        if count == width { return self }
        if count < width { return self + String(repeating: " ", count: width - count) }
        return width <= 1 ? String(prefix(width)) : String(prefix(width - 1)) + "…"
    }
}
