import SyslabCore

/// How much a finding matters. `high` and `critical` mean users are hurt
/// or data is wrong now; `medium` is a real risk; `low` and `info` are hints.
public enum Severity: String, Sendable, CaseIterable, Comparable {
    case info, low, medium, high, critical

    public var rank: Int { Severity.allCases.firstIndex(of: self)! }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// A component a finding points at.
public struct ComponentRef: Sendable, Equatable, Hashable {
    /// Topology node id (empty for traces not generated from a topology).
    public var node: String
    /// Component kind id, e.g. "postgres".
    public var component: String
    public var service: String

    public init(span: Span) { node = span.node; component = span.component; service = span.service }

    public var json: JSONValue { ["node": .string(node), "component": .string(component), "service": .string(service)] }
}

/// One conclusion drawn from a trace, with the spans that show it.
public struct Finding: Sendable, Equatable {
    /// The rule that produced it, e.g. "error-origin", "n-plus-one".
    public var rule: String
    public var severity: Severity
    public var title: String
    public var detail: String
    public var spanIds: [SpanId]
    public var components: [ComponentRef]
    public var tips: [String]
    public var fixes: [String]
    /// Numbers behind the finding (durations in ms, counts), for tools.
    public var metrics: [String: Double]

    public init(rule: String, severity: Severity, title: String, detail: String, spans: [Span], tips: [String] = [],
                fixes: [String] = [], metrics: [String: Double] = [:]) {
        self.rule = rule; self.severity = severity; self.title = title; self.detail = detail
        self.spanIds = spans.map(\.spanId)
        var seen = Set<ComponentRef>()
        self.components = spans.map(ComponentRef.init).filter { seen.insert($0).inserted }
        self.tips = tips; self.fixes = fixes; self.metrics = metrics
    }

    public var json: JSONValue {
        [
            "rule": .string(rule), "severity": .string(severity.rawValue), "title": .string(title), "detail": .string(detail),
            "evidence": ["span_ids": .array(spanIds.map { .string($0.hex) }), "components": .array(components.map(\.json))],
            "tips": .array(tips.map { .string($0) }), "fixes": .array(fixes.map { .string($0) }),
            "metrics": .object(metrics.mapValues { .number($0) }),
        ]
    }
}
