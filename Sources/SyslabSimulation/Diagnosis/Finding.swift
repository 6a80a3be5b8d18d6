import SyslabCore

/// One conclusion drawn from a run's numbers, with the evidence and what to
/// try. Severity orders them: critical (users see failures or a p99 many
/// times the baseline), warning (a resource is saturated or amplified), info.
public struct Finding: Sendable, Equatable {
    public enum Severity: String, Sendable, Comparable {
        case critical, warning, info
        var rank: Int { self == .critical ? 0 : self == .warning ? 1 : 2 }
        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    }

    public var severity: Severity
    public var title: String
    public var evidence: String
    public var tip: String

    public var json: JSONValue {
        ["severity": .string(severity.rawValue), "title": .string(title), "evidence": .string(evidence), "tip": .string(tip)]
    }
}
