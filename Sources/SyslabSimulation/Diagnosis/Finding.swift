import SyslabCore

/// One conclusion drawn from a run's numbers, with the evidence and what to
/// try. Severity says how much users felt it: critical (failures or a p99
/// many times the baseline), warning (a visible symptom), info (nothing users
/// would notice).
public struct Finding: Sendable, Equatable {
    public enum Severity: String, Sendable, Comparable {
        case critical, warning, info
        var rank: Int { self == .critical ? 0 : self == .warning ? 1 : 2 }
        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    }

    /// Where a finding stands in the story of a phase: the root cause comes
    /// first, its consequences after it (from the deepest node outwards), and
    /// the symptom users saw last.
    public enum Role: String, Sendable {
        case rootCause = "root-cause", consequence, symptom, context
    }

    public var severity: Severity
    public var title: String
    public var evidence: String
    public var tip: String
    /// The node (or, for an edge, the callee) the finding is about; nil for the whole system.
    public var node: String? = nil
    /// What was found: load-change, latency-origin, error-origin, unreachable,
    /// pool-exhaustion, saturation, consumer-lag, amplification, retries,
    /// timeouts, connection-pool, circuit-breaker, cache-stampede, symptom,
    /// failures, coordinated-omission.
    public var kind: String = ""
    public var role: Role = .context
    /// The stretch of virtual time compared with the baseline (seconds), when the finding is about one.
    public var start: Double? = nil
    public var end: Double? = nil

    public init(severity: Severity, title: String, evidence: String, tip: String, node: String? = nil,
                kind: String = "", role: Role = .context, start: Double? = nil, end: Double? = nil) {
        self.severity = severity; self.title = title; self.evidence = evidence; self.tip = tip
        self.node = node; self.kind = kind; self.role = role; self.start = start; self.end = end
    }

    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "severity": .string(severity.rawValue), "title": .string(title), "evidence": .string(evidence), "tip": .string(tip),
            "kind": .string(kind), "role": .string(role.rawValue), "node": node.map { .string($0) } ?? .null,
        ]
        if let start, let end { o["start"] = .number(start); o["end"] = .number(end) }
        return .object(o)
    }
}
