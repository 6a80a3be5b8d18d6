/// Encodes a trace as a Zipkin v2 JSON list of spans (the body of
/// `POST /api/v2/spans`, zipkin2-api): ids in lowercase hex, times in
/// microseconds, `kind` CLIENT/SERVER/PRODUCER/CONSUMER (omitted for
/// internal spans), tags as a string map, events as annotations.
public enum ZipkinJSONExporter {
    public static func export(_ trace: Trace) -> String {
        var w = JSONTextWriter(capacity: 256 + trace.spans.count * 600)
        let traceHex = trace.traceId.hex
        w.byte(UInt8(ascii: "["))
        for (i, span) in trace.spans.enumerated() {
            if i > 0 { w.byte(UInt8(ascii: ",")) }
            w.raw("{\"traceId\":"); w.string(traceHex)
            w.raw(",\"id\":"); w.string(span.spanId.hex)
            if let parent = span.parentSpanId { w.raw(",\"parentId\":"); w.string(parent.hex) }
            if let kind = span.kind.zipkinName { w.raw(",\"kind\":"); w.string(kind) }
            w.raw(",\"name\":"); w.string(span.name)
            w.raw(",\"timestamp\":"); w.unsigned(max(1, span.startUnixNano / 1000))
            // Zipkin requires a positive duration when present.
            w.raw(",\"duration\":"); w.unsigned(max(1, span.durationNanos / 1000))
            w.raw(",\"localEndpoint\":{\"serviceName\":"); w.string(span.service)
            w.raw("}")
            if [.client, .producer].contains(span.kind), let remote = span.attribute("server.address")?.stringValue
                ?? span.attribute("db.system")?.stringValue ?? span.attribute("messaging.system")?.stringValue {
                w.raw(",\"remoteEndpoint\":{\"serviceName\":"); w.string(remote)
                if let port = span.attribute("server.port")?.intValue, port > 0, port < 65536 {
                    w.raw(",\"port\":"); w.signed(port)
                }
                w.raw("}")
            }
            if !span.events.isEmpty {
                w.raw(",\"annotations\":[")
                for (j, event) in span.events.enumerated() {
                    if j > 0 { w.byte(UInt8(ascii: ",")) }
                    w.raw("{\"timestamp\":"); w.unsigned(max(1, event.timeUnixNano / 1000))
                    w.raw(",\"value\":")
                    let detail = event.attributes.first { $0.key == "exception.message" || $0.key == "target" }
                    w.string(detail.map { "\(event.name): \($0.value.text)" } ?? event.name)
                    w.raw("}")
                }
                w.raw("]")
            }
            w.raw(",\"tags\":{")
            var first = true
            for a in span.attributes {
                if !first { w.byte(UInt8(ascii: ",")) }
                first = false
                w.string(a.key); w.byte(UInt8(ascii: ":")); w.string(a.value.text)
            }
            if span.status.code != .unset {
                if !first { w.byte(UInt8(ascii: ",")) }
                first = false
                w.raw("\"otel.status_code\":"); w.string(span.status.code.rawValue.uppercased())
            }
            if span.isError {
                // Zipkin marks failed spans with an "error" tag holding the message.
                w.raw(",\"error\":"); w.string(span.status.message.isEmpty ? "true" : span.status.message)
            }
            w.raw("}}")
        }
        w.byte(UInt8(ascii: "]"))
        return w.text
    }
}
