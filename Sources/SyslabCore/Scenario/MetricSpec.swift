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

    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "name": .string(name), "type": .string(kind.rawValue), "help": .string(help),
            "labels": .array(labels.map { .string($0) }),
        ]
        if kind == .histogram { o["buckets"] = .array(buckets.map { .number($0) }) }
        return .object(o)
    }
}
