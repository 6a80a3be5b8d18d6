/// Encodes a trace as an OTLP `ExportTraceServiceRequest` in the OTLP/JSON
/// encoding (opentelemetry-proto, "JSON Protobuf Encoding"): trace and span
/// ids as lowercase hex (not base64), enums as integers, 64-bit integers
/// (times, intValue) as decimal strings, camelCase field names, default
/// values omitted. Spans are grouped by service into resourceSpans.
public enum OTLPJSONExporter {
    public static let scopeName = "syslab"
    public static let scopeVersion = "0.1.0"

    public static func export(_ trace: Trace) -> String {
        var w = JSONTextWriter(capacity: 512 + trace.spans.count * 700)
        write(trace, to: &w)
        return w.text
    }

    static func write(_ trace: Trace, to w: inout JSONTextWriter) {
        // Group spans by service, keeping first-appearance order.
        var order: [String] = []
        var groups: [String: [Int]] = [:]
        for (i, span) in trace.spans.enumerated() {
            if groups[span.service] == nil { order.append(span.service) }
            groups[span.service, default: []].append(i)
        }
        let traceHex = trace.traceId.hex
        w.raw("{\"resourceSpans\":[")
        for (g, service) in order.enumerated() {
            if g > 0 { w.byte(UInt8(ascii: ",")) }
            w.raw("{\"resource\":{\"attributes\":[")
            var resource = [Attribute("service.name", .string(service)), Attribute("telemetry.sdk.name", "syslab"),
                             Attribute("telemetry.sdk.language", "swift"), Attribute("telemetry.sdk.version", .string(scopeVersion))]
            if !trace.template.isEmpty { resource.append(Attribute("service.namespace", .string(trace.template))) }
            writeAttributes(resource, to: &w)
            w.raw("]},\"scopeSpans\":[{\"scope\":{\"name\":")
            w.string(scopeName)
            w.raw(",\"version\":")
            w.string(scopeVersion)
            w.raw("},\"spans\":[")
            for (n, i) in groups[service]!.enumerated() {
                if n > 0 { w.byte(UInt8(ascii: ",")) }
                w.byte(UInt8(ascii: "{"))
                writeSpan(trace.spans[i], traceHex: traceHex, to: &w)
            }
            w.raw("]}]}")
        }
        w.raw("]}")
    }

    static func writeSpan(_ span: Span, traceHex: String, to w: inout JSONTextWriter) {
        w.key("traceId"); w.string(traceHex)
        w.raw(",\"spanId\":"); w.string(span.spanId.hex)
        if let parent = span.parentSpanId { w.raw(",\"parentSpanId\":"); w.string(parent.hex) }
        w.raw(",\"name\":"); w.string(span.name)
        w.raw(",\"kind\":"); w.unsigned(UInt64(span.kind.otlpValue))
        w.raw(",\"startTimeUnixNano\":\""); w.unsigned(span.startUnixNano)
        w.raw("\",\"endTimeUnixNano\":\""); w.unsigned(span.endUnixNano)
        w.raw("\",\"attributes\":[")
        writeAttributes(span.attributes, to: &w)
        w.raw("]")
        if !span.events.isEmpty {
            w.raw(",\"events\":[")
            for (i, event) in span.events.enumerated() {
                if i > 0 { w.byte(UInt8(ascii: ",")) }
                w.raw("{\"timeUnixNano\":\""); w.unsigned(event.timeUnixNano)
                w.raw("\",\"name\":"); w.string(event.name)
                w.raw(",\"attributes\":[")
                writeAttributes(event.attributes, to: &w)
                w.raw("]}")
            }
            w.raw("]")
        }
        if !span.links.isEmpty {
            w.raw(",\"links\":[")
            for (i, link) in span.links.enumerated() {
                if i > 0 { w.byte(UInt8(ascii: ",")) }
                w.raw("{\"traceId\":"); w.string(link.traceId.hex)
                w.raw(",\"spanId\":"); w.string(link.spanId.hex)
                w.raw(",\"attributes\":[")
                writeAttributes(link.attributes, to: &w)
                w.raw("]}")
            }
            w.raw("]")
        }
        w.raw(",\"status\":{")
        if span.status.code != .unset {
            if !span.status.message.isEmpty { w.raw("\"message\":"); w.string(span.status.message); w.byte(UInt8(ascii: ",")) }
            w.raw("\"code\":"); w.unsigned(UInt64(span.status.code.otlpValue))
        }
        w.raw("}}")
    }

    static func writeAttributes(_ attributes: [Attribute], to w: inout JSONTextWriter) {
        for (i, a) in attributes.enumerated() {
            if i > 0 { w.byte(UInt8(ascii: ",")) }
            w.raw("{\"key\":"); w.string(a.key)
            w.raw(",\"value\":{")
            switch a.value {
            case .string(let s): w.raw("\"stringValue\":"); w.string(s)
            case .int(let n): w.raw("\"intValue\":\""); w.signed(n); w.byte(UInt8(ascii: "\""))
            case .double(let d): w.raw("\"doubleValue\":"); w.number(d)
            case .bool(let b): w.raw("\"boolValue\":"); w.bool(b)
            }
            w.raw("}}")
        }
    }
}
