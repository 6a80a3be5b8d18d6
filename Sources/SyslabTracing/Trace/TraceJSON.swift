import SyslabCore

/// The library's own JSON form of a trace: what crosses the C, Lua and
/// Python surfaces and can be turned back into a `Trace` (for exports,
/// views and analysis). Times are integer nanoseconds relative to
/// `start_time_unix_nano` (exact below 2^53 ns, about 104 days); the
/// absolute start is a decimal string because it exceeds 2^53.
extension Trace {
    public var json: JSONValue {
        let start = startUnixNano
        return [
            "trace_id": .string(traceId.hex), "template": .string(template), "variant": .string(variant),
            "seed": .string(String(seed)), "start_time_unix_nano": .string(String(start)),
            "duration_ms": .number(durationMs), "span_count": .number(Double(spans.count)),
            "spans": .array(spans.map { span in
                var o: [String: JSONValue] = [
                    "span_id": .string(span.spanId.hex), "parent_span_id": span.parentSpanId.map { .string($0.hex) } ?? .null,
                    "name": .string(span.name), "kind": .string(span.kind.rawValue), "service": .string(span.service),
                    "node": .string(span.node), "component": .string(span.component),
                    "start_ns": .number(Double(span.startUnixNano &- start)), "end_ns": .number(Double(span.endUnixNano &- start)),
                    "start_ms": .number(Double(span.startUnixNano &- start) / 1e6), "duration_ms": .number(span.durationMs),
                    "status": ["code": .string(span.status.code.rawValue), "message": .string(span.status.message)],
                    "attributes": Trace.json(span.attributes),
                ]
                o["events"] = .array(span.events.map { e in
                    ["name": .string(e.name), "time_ns": .number(Double(e.timeUnixNano &- start)), "attributes": Trace.json(e.attributes)]
                })
                o["links"] = .array(span.links.map { l in
                    ["trace_id": .string(l.traceId.hex), "span_id": .string(l.spanId.hex), "attributes": Trace.json(l.attributes)]
                })
                return .object(o)
            }),
        ]
    }

    static func json(_ attributes: [Attribute]) -> JSONValue {
        .object(Dictionary(attributes.map { ($0.key, $0.value.json) }, uniquingKeysWith: { _, last in last }))
    }

    static func attributes(_ json: JSONValue?, path: String) throws -> [Attribute] {
        guard let json, !json.isNull else { return [] }
        let map = try AttributeValue.parseMap(json, path: path)
        return map.keys.sorted().map { Attribute($0, map[$0]!) }
    }

    /// Parses the form `json` produces (members it derives, like duration_ms, are ignored).
    public static func parse(_ json: JSONValue) throws -> Trace {
        let o = try JSONFields.object(json, path: "trace")
        let traceId = try TraceId(hex: try JSONFields.requiredString(o, "trace_id", path: "trace"))
        let startText = try JSONFields.optionalString(o, "start_time_unix_nano", path: "trace") ?? "0"
        guard let start = UInt64(startText) else {
            throw SyslabError.invalidArgument("trace.start_time_unix_nano must be a decimal string of nanoseconds, got '\(ErrorText.quoted(startText))'")
        }
        let seedText = try JSONFields.optionalString(o, "seed", path: "trace") ?? "0"
        func offset(_ o: [String: JSONValue], _ key: String, path: String) throws -> UInt64 {
            guard let n = try JSONFields.optionalNumber(o, key, path: path, range: 0...9.0e15) else {
                throw SyslabError.invalidArgument("\(path) needs '\(ErrorText.quoted(key))'")
            }
            return start &+ UInt64(n)
        }
        var spans: [Span] = []
        var seen = Set<SpanId>()
        let items = try JSONFields.array(o, "spans", path: "trace")
        guard items.count <= Trace.maxSpans else {
            throw SyslabError.limitExceeded("trace has \(items.count) spans; the limit is \(Trace.maxSpans)")
        }
        for (i, item) in items.enumerated() {
            let path = "trace.spans[\(i)]"
            let s = try JSONFields.object(item, path: path)
            let id = try SpanId(hex: try JSONFields.requiredString(s, "span_id", path: path))
            guard seen.insert(id).inserted else { throw SyslabError.invalidArgument("\(path): duplicate span id \(id.hex)") }
            let parent = try JSONFields.optionalString(s, "parent_span_id", path: path).map { try SpanId(hex: $0) }
            let kindName = try JSONFields.optionalString(s, "kind", path: path) ?? "internal"
            guard let kind = SpanKind(rawValue: kindName) else {
                throw SyslabError.invalidArgument("\(path).kind must be one of \(SpanKind.allCases.map(\.rawValue).joined(separator: ", ")), got '\(ErrorText.quoted(kindName))'")
            }
            var status = SpanStatus.unset
            if let st = s["status"], !st.isNull {
                let so = try JSONFields.object(st, path: "\(path).status")
                let code = try JSONFields.optionalString(so, "code", path: "\(path).status") ?? "unset"
                guard let c = SpanStatusCode(rawValue: code) else {
                    throw SyslabError.invalidArgument("\(path).status.code must be unset, ok or error, got '\(ErrorText.quoted(code))'")
                }
                status = SpanStatus(c, try JSONFields.optionalString(so, "message", path: "\(path).status") ?? "")
            }
            let startNs = try offset(s, "start_ns", path: path), endNs = try offset(s, "end_ns", path: path)
            guard endNs >= startNs else { throw SyslabError.invalidArgument("\(path) ends before it starts") }
            let events = try (s["events"]?.arrayValue ?? []).enumerated().map { j, e -> SpanEvent in
                let eo = try JSONFields.object(e, path: "\(path).events[\(j)]")
                return SpanEvent(name: try JSONFields.requiredString(eo, "name", path: "\(path).events[\(j)]"),
                                 timeUnixNano: try offset(eo, "time_ns", path: "\(path).events[\(j)]"),
                                 attributes: try attributes(eo["attributes"], path: "\(path).events[\(j)].attributes"))
            }
            let links = try (s["links"]?.arrayValue ?? []).enumerated().map { j, l -> SpanLink in
                let lo = try JSONFields.object(l, path: "\(path).links[\(j)]")
                return SpanLink(traceId: try TraceId(hex: try JSONFields.requiredString(lo, "trace_id", path: "\(path).links[\(j)]")),
                                spanId: try SpanId(hex: try JSONFields.requiredString(lo, "span_id", path: "\(path).links[\(j)]")),
                                attributes: try attributes(lo["attributes"], path: "\(path).links[\(j)].attributes"))
            }
            spans.append(Span(
                spanId: id, parentSpanId: parent, name: try JSONFields.requiredString(s, "name", path: path), kind: kind,
                service: try JSONFields.optionalString(s, "service", path: path) ?? "unknown",
                node: try JSONFields.optionalString(s, "node", path: path) ?? "",
                component: try JSONFields.optionalString(s, "component", path: path) ?? "",
                startUnixNano: startNs, endUnixNano: endNs, status: status,
                attributes: try attributes(s["attributes"], path: "\(path).attributes"), events: events, links: links))
        }
        guard !spans.isEmpty else { throw SyslabError.invalidArgument("trace has no spans") }
        try validateTree(spans)
        return Trace(traceId: traceId, spans: spans, template: try JSONFields.optionalString(o, "template", path: "trace") ?? "",
                     variant: try JSONFields.optionalString(o, "variant", path: "trace") ?? "", seed: UInt64(seedText) ?? 0)
    }

    /// Every parent must be a span of the trace, and following parents from
    /// any span must reach a root: a cycle would make every walk endless.
    /// One pass with three colours; iterative, so a 100,000-span chain is fine.
    static func validateTree(_ spans: [Span]) throws {
        var index: [SpanId: Int] = [:]
        index.reserveCapacity(spans.count)
        for (i, span) in spans.enumerated() { index[span.spanId] = i }
        var parent = [Int](repeating: -1, count: spans.count)
        for (i, span) in spans.enumerated() {
            guard let p = span.parentSpanId else { continue }
            guard let j = index[p] else {
                throw SyslabError.invalidArgument("trace.spans[\(i)] (\(span.spanId.hex)): parent span \(p.hex) is not in the trace")
            }
            parent[i] = j
        }
        enum Mark: UInt8 { case unvisited, onPath, reachesRoot }
        var mark = [Mark](repeating: .unvisited, count: spans.count)
        var path: [Int] = []
        for start in spans.indices where mark[start] == .unvisited {
            var i = start
            while i >= 0, mark[i] == .unvisited {
                mark[i] = .onPath
                path.append(i)
                i = parent[i]
            }
            if i >= 0, mark[i] == .onPath {
                let cycle = path[path.firstIndex(of: i)!...].map { spans[$0].spanId.hex }
                let text = cycle.count == 1 ? "span \(cycle[0]) is its own parent"
                    : "spans form a parent cycle: " + (cycle.prefix(10) + [cycle[0]]).joined(separator: " → ") + (cycle.count > 10 ? " (\(cycle.count) spans)" : "")
                throw SyslabError.invalidArgument("trace: \(text)")
            }
            for j in path { mark[j] = .reachesRoot }
            path.removeAll(keepingCapacity: true)
        }
    }
}
