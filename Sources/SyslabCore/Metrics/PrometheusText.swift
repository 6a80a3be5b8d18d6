/// Renders families in the Prometheus text exposition format 0.0.4:
/// `# HELP` and `# TYPE` lines, escaped label values, and for histograms
/// cumulative `_bucket{le=...}` series ending in `+Inf`, then `_sum` and `_count`.
public enum PrometheusText {
    static func write(_ family: MetricFamily, constants: [(name: String, value: String)] = [], to out: inout String) {
        let series = family.allSeries
        guard !series.isEmpty else { return }
        let spec = family.spec
        out += "# HELP \(spec.name) \(escapeHelp(spec.help))\n"
        out += "# TYPE \(spec.name) \(spec.kind.rawValue)\n"
        for s in series {
            switch spec.kind {
            case .counter, .gauge:
                out += spec.name + labelText(spec.labels, s.labels, constants: constants) + " " + format(s.currentValue) + "\n"
            case .histogram:
                let h = s.histogram
                for (i, cumulative) in h.cumulative.enumerated() {
                    let le = i < spec.buckets.count ? format(spec.buckets[i]) : "+Inf"
                    out += spec.name + "_bucket" + labelText(spec.labels, s.labels, le: le, constants: constants) + " " + String(cumulative) + "\n"
                }
                out += spec.name + "_sum" + labelText(spec.labels, s.labels, constants: constants) + " " + format(h.sum) + "\n"
                out += spec.name + "_count" + labelText(spec.labels, s.labels, constants: constants) + " " + String(h.count) + "\n"
            }
        }
    }

    static func labelText(
        _ names: [String], _ values: LabelValues, le: String? = nil, constants: [(name: String, value: String)] = []
    ) -> String {
        if names.isEmpty && le == nil && constants.isEmpty { return "" }
        var parts: [String] = constants.map { "\($0.name)=\"\(escapeLabelValue($0.value))\"" }
        for (i, name) in names.enumerated() { parts.append("\(name)=\"\(escapeLabelValue(values[i]))\"") }
        if let le { parts.append("le=\"\(le)\"") }
        return "{" + parts.joined(separator: ",") + "}"
    }

    /// A sample value: integers without a fraction, +Inf/-Inf/NaN spelled as Prometheus expects.
    public static func format(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return "\(v)"
    }

    /// HELP text escapes backslash and newline.
    public static func escapeHelp(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// Label values escape backslash, double quote and newline.
    public static func escapeLabelValue(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
