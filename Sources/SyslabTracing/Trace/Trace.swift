import SyslabCore

/// A whole trace: every span shares `traceId`. Spans are in the order they
/// were generated (a parent before its children).
public struct Trace: Sendable, Equatable {
    /// The most spans a trace read from JSON may have (docs/limits.md).
    public static let maxSpans = 100_000

    public var traceId: TraceId
    public var spans: [Span]
    /// Where the trace came from (a template id and variant), for views and exports.
    public var template: String
    public var variant: String
    public var seed: UInt64

    public init(traceId: TraceId, spans: [Span], template: String = "", variant: String = "", seed: UInt64 = 0) {
        self.traceId = traceId; self.spans = spans; self.template = template; self.variant = variant; self.seed = seed
    }

    public var startUnixNano: UInt64 { spans.map(\.startUnixNano).min() ?? 0 }
    public var endUnixNano: UInt64 { spans.map(\.endUnixNano).max() ?? 0 }
    public var durationMs: Double { Double(endUnixNano &- startUnixNano) / 1e6 }

    /// The span without a parent in this trace (the first one when there are several).
    public var root: Span? {
        let ids = Set(spans.map(\.spanId))
        return spans.first { $0.parentSpanId == nil || !ids.contains($0.parentSpanId!) }
    }

    public var errorSpans: [Span] { spans.filter(\.isError) }

    /// Service names in order of first appearance.
    public var services: [String] {
        var seen = Set<String>()
        return spans.compactMap { seen.insert($0.service).inserted ? $0.service : nil }
    }

    public func span(_ id: SpanId) -> Span? { spans.first { $0.spanId == id } }

    /// Children of each span, in start order (ties keep generation order).
    public func childrenIndex() -> [SpanId: [Int]] {
        var children: [SpanId: [Int]] = [:]
        for (i, span) in spans.enumerated() {
            if let parent = span.parentSpanId { children[parent, default: []].append(i) }
        }
        for key in children.keys {
            children[key]!.sort { (spans[$0].startUnixNano, $0) < (spans[$1].startUnixNano, $1) }
        }
        return children
    }

    /// Spans in depth-first order from the roots, each with its depth: the
    /// order a waterfall lists them.
    public func depthFirst() -> [(span: Span, depth: Int)] {
        let children = childrenIndex()
        let ids = Set(spans.map(\.spanId))
        var out: [(Span, Int)] = []
        out.reserveCapacity(spans.count)
        var roots = spans.indices.filter { spans[$0].parentSpanId == nil || !ids.contains(spans[$0].parentSpanId!) }
        roots.sort { (spans[$0].startUnixNano, $0) < (spans[$1].startUnixNano, $1) }
        var stack: [(Int, Int)] = roots.reversed().map { ($0, 0) }
        while let (i, depth) = stack.popLast() {
            out.append((spans[i], depth))
            for c in (children[spans[i].spanId] ?? []).reversed() { stack.append((c, depth + 1)) }
        }
        return out
    }
}
