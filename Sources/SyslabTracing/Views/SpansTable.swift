/// A Jaeger-style table of spans: service, operation, kind, ids, start
/// offset, duration, status and the attributes that matter most, in
/// depth-first order.
public enum SpansTable {
    static let keyAttributes = ["http.response.status_code", "rpc.grpc.status_code", "db.system", "messaging.system",
                                "error.type", "http.request.resend_count", "cloud.region"]

    public static func text(_ trace: Trace) -> String {
        let limits = [28, 36, 8, 16, 16, 10, 10, 48, 80]
        let scale = TimeScale(trace: trace)
        var rows: [[String]] = [["SERVICE", "OPERATION", "KIND", "SPAN ID", "PARENT", "START", "DURATION", "STATUS", "TAGS"]]
        for (span, depth) in trace.depthFirst() {
            let tags = keyAttributes.compactMap { key in span.attribute(key).map { "\(key)=\($0.text)" } }
            rows.append([
                // Indentation past the column's width would be cut anyway.
                String(repeating: " ", count: min(depth, limits[0])) + span.service, span.name, span.kind.rawValue, span.spanId.hex,
                span.parentSpanId?.hex ?? "-", TimeScale.format(ms: scale.offsetMs(span.startUnixNano)),
                TimeScale.format(ms: span.durationMs),
                span.isError ? "ERROR: " + span.status.message : span.status.code.rawValue.uppercased(),
                tags.joined(separator: " "),
            ])
        }
        var widths = Array(repeating: 0, count: rows[0].count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = min(limits[i], max(widths[i], cell.count)) } }
        return rows.map { row in
            row.enumerated().map { i, cell in cell.fitted(widths[i]) }.joined(separator: "  ").trimmingTrailingSpaces()
        }.joined(separator: "\n") + "\n"
    }
}
