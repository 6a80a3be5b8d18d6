/// Encodes a trace in the JSON the Jaeger UI loads with "Upload JSON" (the
/// `/api/traces` response shape): `{"data": [{traceID, spans, processes}]}`,
/// times in microseconds, one process per service, tags typed as Jaeger's
/// string/bool/int64/float64. A consumer's reference to its producer is
/// `FOLLOWS_FROM`; other parents are `CHILD_OF`.
public enum JaegerJSONExporter {
    public static func export(_ trace: Trace) -> String {
        var w = JSONTextWriter(capacity: 512 + trace.spans.count * 800)
        var processIds: [String: String] = [:]
        var order: [String] = []
        for span in trace.spans where processIds[span.service] == nil {
            order.append(span.service)
            processIds[span.service] = "p\(order.count)"
        }
        let traceHex = trace.traceId.hex
        w.raw("{\"data\":[{\"traceID\":"); w.string(traceHex)
        w.raw(",\"spans\":[")
        for (i, span) in trace.spans.enumerated() {
            if i > 0 { w.byte(UInt8(ascii: ",")) }
            w.raw("{\"traceID\":"); w.string(traceHex)
            w.raw(",\"spanID\":"); w.string(span.spanId.hex)
            w.raw(",\"flags\":1,\"operationName\":"); w.string(span.name)
            w.raw(",\"references\":[")
            if let parent = span.parentSpanId {
                w.raw("{\"refType\":")
                w.string(span.kind == .consumer && span.links.contains { $0.spanId == parent } ? "FOLLOWS_FROM" : "CHILD_OF")
                w.raw(",\"traceID\":"); w.string(traceHex)
                w.raw(",\"spanID\":"); w.string(parent.hex); w.raw("}")
            }
            var first = span.parentSpanId == nil
            for link in span.links where link.spanId != span.parentSpanId {
                if !first { w.byte(UInt8(ascii: ",")) }
                first = false
                w.raw("{\"refType\":\"FOLLOWS_FROM\",\"traceID\":"); w.string(link.traceId.hex)
                w.raw(",\"spanID\":"); w.string(link.spanId.hex); w.raw("}")
            }
            w.raw("],\"startTime\":"); w.unsigned(span.startUnixNano / 1000)
            w.raw(",\"duration\":"); w.unsigned(span.durationNanos / 1000)
            w.raw(",\"tags\":[")
            var tags = span.attributes
            tags.append(Attribute("span.kind", .string(span.kind.rawValue)))
            tags.append(Attribute("otel.scope.name", .string(OTLPJSONExporter.scopeName)))
            if span.status.code != .unset { tags.append(Attribute("otel.status_code", .string(span.status.code.rawValue.uppercased()))) }
            if span.isError {
                tags.append(Attribute("error", true))
                if !span.status.message.isEmpty { tags.append(Attribute("otel.status_description", .string(span.status.message))) }
            }
            writeTags(tags, to: &w)
            w.raw("],\"logs\":[")
            for (j, event) in span.events.enumerated() {
                if j > 0 { w.byte(UInt8(ascii: ",")) }
                w.raw("{\"timestamp\":"); w.unsigned(event.timeUnixNano / 1000)
                w.raw(",\"fields\":[")
                writeTags([Attribute("event", .string(event.name))] + event.attributes, to: &w)
                w.raw("]}")
            }
            w.raw("],\"processID\":"); w.string(processIds[span.service]!)
            w.raw(",\"warnings\":null}")
        }
        w.raw("],\"processes\":{")
        for (i, service) in order.enumerated() {
            if i > 0 { w.byte(UInt8(ascii: ",")) }
            w.string(processIds[service]!)
            w.raw(":{\"serviceName\":"); w.string(service)
            w.raw(",\"tags\":[")
            writeTags([Attribute("telemetry.sdk.name", "syslab"), Attribute("telemetry.sdk.language", "swift")], to: &w)
            w.raw("]}")
        }
        w.raw("},\"warnings\":null}],\"total\":0,\"limit\":0,\"offset\":0,\"errors\":null}")
        return w.text
    }

    static func writeTags(_ tags: [Attribute], to w: inout JSONTextWriter) {
        for (i, tag) in tags.enumerated() {
            if i > 0 { w.byte(UInt8(ascii: ",")) }
            w.raw("{\"key\":"); w.string(tag.key)
            switch tag.value {
            case .string(let s): w.raw(",\"type\":\"string\",\"value\":"); w.string(s)
            case .int(let n): w.raw(",\"type\":\"int64\",\"value\":"); w.signed(n)
            case .double(let d): w.raw(",\"type\":\"float64\",\"value\":"); w.number(d)
            case .bool(let b): w.raw(",\"type\":\"bool\",\"value\":"); w.bool(b)
            }
            w.raw("}")
        }
    }
}
