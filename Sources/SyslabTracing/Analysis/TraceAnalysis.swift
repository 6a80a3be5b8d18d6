import SyslabCore

/// Everything the analyzer concluded about one trace.
public struct TraceAnalysis: Sendable {
    public var traceId: TraceId
    public var template: String
    public var variant: String
    public var durationMs: Double
    /// Duration of the root span: what the caller waited.
    public var responseMs: Double
    public var spanCount: Int
    public var errorCount: Int
    public var services: [String]
    public var rootFailed: Bool
    /// Spans on the request's critical path with the ms each was waited on.
    public var criticalPath: [(span: Span, ms: Double)]
    /// Most severe first.
    public var findings: [Finding]

    public var highestSeverity: Severity? { findings.map(\.severity).max() }

    public var json: JSONValue {
        [
            "trace_id": .string(traceId.hex), "template": .string(template), "variant": .string(variant),
            "summary": [
                "duration_ms": .number(durationMs), "response_ms": .number(responseMs),
                "span_count": .number(Double(spanCount)), "error_count": .number(Double(errorCount)),
                "services": .array(services.map { .string($0) }), "root_failed": .bool(rootFailed),
                "highest_severity": highestSeverity.map { .string($0.rawValue) } ?? .null,
            ],
            "critical_path": .array(criticalPath.map { entry in
                ["span_id": .string(entry.span.spanId.hex), "service": .string(entry.span.service),
                 "name": .string(entry.span.name), "node": .string(entry.span.node), "ms": .number(entry.ms)]
            }),
            "findings": .array(findings.map(\.json)),
        ]
    }

    /// A readable report for terminals.
    public var text: String {
        var out = "Analysis of trace \(traceId.hex)"
        if !template.isEmpty { out += " (\(template)/\(variant))" }
        out += "\n\(TimeScale.format(ms: responseMs)) response, \(TimeScale.format(ms: durationMs)) total, \(spanCount) spans, \(errorCount) errors\n"
        if findings.isEmpty { out += "No findings.\n" }
        for f in findings {
            out += "\n[\(f.severity.rawValue.uppercased())] \(f.title)\n  \(f.detail)\n"
            if !f.components.isEmpty {
                out += "  components: " + f.components.map { "\($0.service) (\($0.component))" }.joined(separator: ", ") + "\n"
            }
            for tip in f.tips { out += "  tip: \(tip)\n" }
            for fix in f.fixes { out += "  fix: \(fix)\n" }
        }
        return out
    }
}
