import SyslabCore

/// Every way a trace can be written out.
public enum TraceFormat: String, Sendable, CaseIterable {
    /// The library's own JSON (see `Trace.json`); can be read back.
    case traceJSON = "trace-json"
    case otlpJSON = "otlp-json"
    case jaegerJSON = "jaeger-json"
    case zipkinJSON = "zipkin-json"
    case waterfall
    case svg
    case spansTable = "spans-table"
    case analysisJSON = "analysis-json"
    case analysisText = "analysis-text"
    /// A self-contained HTML page: service map, waterfall, spans and analysis panels.
    case html

    public static func named(_ name: String) throws -> TraceFormat {
        guard let f = TraceFormat(rawValue: name) else {
            throw SyslabError.invalidArgument("unknown trace format '\(ErrorText.quoted(name))' (expected \(allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return f
    }
}

/// Writes a trace in any `TraceFormat`. Options (JSON object, all optional):
/// `width` (waterfall columns, 10-400), `color` (ANSI colours), `ascii`
/// (plain bars), `pixel_width` (SVG, 400-10000), `pretty` (indented JSON for
/// trace-json and analysis-json).
public enum TraceRenderer {
    public static func render(_ trace: Trace, format: TraceFormat, options: JSONValue? = nil) throws -> String {
        let o = try options.map { try JSONFields.object($0, path: "options", allowed: ["width", "color", "ascii", "pixel_width", "pretty"]) } ?? [:]
        let pretty = try JSONFields.optionalBool(o, "pretty", path: "options") ?? false
        switch format {
        case .traceJSON: return trace.json.serialized(pretty: pretty)
        case .otlpJSON: return OTLPJSONExporter.export(trace)
        case .jaegerJSON: return JaegerJSONExporter.export(trace)
        case .zipkinJSON: return ZipkinJSONExporter.export(trace)
        case .waterfall:
            return WaterfallRenderer(
                width: try JSONFields.optionalInt(o, "width", path: "options", range: 10...400) ?? 60,
                color: try JSONFields.optionalBool(o, "color", path: "options") ?? false,
                ascii: try JSONFields.optionalBool(o, "ascii", path: "options") ?? false
            ).text(trace)
        case .svg:
            return WaterfallRenderer().svg(trace, pixelWidth: try JSONFields.optionalInt(o, "pixel_width", path: "options", range: 400...10_000) ?? 1100)
        case .spansTable: return SpansTable.text(trace)
        case .analysisJSON: return TraceAnalyzer.analyze(trace).json.serialized(pretty: pretty)
        case .analysisText: return TraceAnalyzer.analyze(trace).text
        case .html: return TracePage.html(trace)
        }
    }
}
