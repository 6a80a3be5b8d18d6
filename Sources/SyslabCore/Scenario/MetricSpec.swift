/// A Prometheus metric a scenario makes observable.
public struct MetricSpec: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable { case counter, gauge, histogram }

    public var name: String
    public var kind: Kind
    public var help: String
    public var labels: [String]
    /// Upper bounds for histograms, ascending.
    public var buckets: [Double]

    public init(name: String, kind: Kind, help: String, labels: [String] = [], buckets: [Double] = []) {
        self.name = name; self.kind = kind; self.help = help; self.labels = labels; self.buckets = buckets
    }

    public static func counter(_ name: String, _ help: String, labels: [String] = []) -> MetricSpec {
        MetricSpec(name: name, kind: .counter, help: help, labels: labels)
    }
    public static func gauge(_ name: String, _ help: String, labels: [String] = []) -> MetricSpec {
        MetricSpec(name: name, kind: .gauge, help: help, labels: labels)
    }
    public static func histogram(_ name: String, _ help: String, labels: [String] = [], buckets: [Double]) -> MetricSpec {
        MetricSpec(name: name, kind: .histogram, help: help, labels: labels, buckets: buckets)
    }

    /// The most labels a scenario metric may have (keeps label sets fixed-size
    /// so recording allocates nothing).
    public static let maximumLabels = LabelValues.capacity

    /// Checks the spec against the Prometheus naming rules that `promtool check
    /// metrics` lints, so every declared metric exposes cleanly. `owner` names
    /// the scenario in messages.
    public func validate(owner: String) throws {
        let label = "metric '\(name)' of scenario '\(owner)'"
        guard MetricSpec.isSnakeCase(name, allowLeadingDigit: false) else {
            throw SyslabError.invalidArgument("\(label): names must be snake_case ([a-z_][a-z0-9_]*)")
        }
        let tokens = name.split(separator: "_").map(String.init)
        for token in tokens {
            if MetricSpec.unitAbbreviations.contains(token) {
                throw SyslabError.invalidArgument("\(label): spell units out in base units (e.g. _seconds, _bytes), not '\(token)'")
            }
            if let base = MetricSpec.nonBaseUnit(token) {
                throw SyslabError.invalidArgument("\(label): use the base unit '\(base)' instead of '\(token)'")
            }
            if ["counter", "gauge", "histogram", "summary"].contains(token) {
                throw SyslabError.invalidArgument("\(label): the name should not contain the metric type '\(token)'")
            }
        }
        switch kind {
        case .counter where !name.hasSuffix("_total"):
            throw SyslabError.invalidArgument("\(label): counter names must end in _total")
        case .gauge, .histogram:
            for suffix in ["_total", "_count", "_sum", "_bucket"] where name.hasSuffix(suffix) {
                throw SyslabError.invalidArgument("\(label): a \(kind.rawValue) name must not end in \(suffix)")
            }
        default: break
        }
        if !help.contains(where: { !$0.isWhitespace }) {
            throw SyslabError.invalidArgument("\(label) needs a help text")
        }
        if labels.count > MetricSpec.maximumLabels {
            throw SyslabError.limitExceeded("\(label) has \(labels.count) labels; at most \(MetricSpec.maximumLabels) are allowed")
        }
        if Set(labels).count != labels.count {
            throw SyslabError.invalidArgument("\(label) repeats a label name")
        }
        for l in labels {
            guard MetricSpec.isSnakeCase(l, allowLeadingDigit: false), !l.hasPrefix("__"), l != "le", l != "quantile" else {
                throw SyslabError.invalidArgument("\(label): label '\(l)' must be snake_case, not start with '__', and not be 'le' or 'quantile'")
            }
        }
        if kind == .histogram {
            guard !buckets.isEmpty, buckets.allSatisfy(\.isFinite), zip(buckets, buckets.dropFirst()).allSatisfy({ $0 < $1 }) else {
                throw SyslabError.invalidArgument("\(label): a histogram needs finite, strictly ascending buckets")
            }
        } else if !buckets.isEmpty {
            throw SyslabError.invalidArgument("\(label): only histograms have buckets")
        }
    }

    static func isSnakeCase(_ s: String, allowLeadingDigit: Bool) -> Bool {
        guard let first = s.utf8.first, !s.isEmpty else { return false }
        if !allowLeadingDigit, first >= 48, first <= 57 { return false }
        return s.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
    }

    /// Name tokens promtool rejects as unit abbreviations.
    static let unitAbbreviations: Set<String> = ["s", "ms", "us", "ns", "sec", "b", "kb", "mb", "gb", "tb", "pb", "m", "h", "d"]

    /// The base unit for a non-base unit token (milliseconds -> seconds, ...).
    static func nonBaseUnit(_ token: String) -> String? {
        switch token {
        case "minutes", "hours", "days", "weeks": return "seconds"
        case "bits": return "bytes"
        default: break
        }
        let prefixes = ["pico", "nano", "micro", "milli", "centi", "deci", "deca", "hecto", "kilo", "kibi",
                        "mega", "mebi", "giga", "gibi", "tera", "tebi", "peta", "pebi"]
        for base in ["seconds", "bytes", "meters", "grams", "joules", "volts", "amperes"] {
            for prefix in prefixes where token == prefix + base { return base }
        }
        return nil
    }

    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "name": .string(name), "type": .string(kind.rawValue), "help": .string(help),
            "labels": .array(labels.map { .string($0) }),
        ]
        if kind == .histogram { o["buckets"] = .array(buckets.map { .number($0) }) }
        return .object(o)
    }
}
