import SyslabCore

/// A k6-style pass/fail criterion on a metric of the run, e.g.
/// `http_req_duration: p(99)<300` (milliseconds, as in k6) or
/// `http_req_failed: rate<0.01`. Tagged metrics select a component:
/// `utilisation{node:db}: value<0.8`, `pool_wait{edge:api->db}: avg<50`.
public struct Threshold: Sendable, Equatable {
    public enum Comparison: String, Sendable, CaseIterable {
        case lessOrEqual = "<=", greaterOrEqual = ">=", equal = "==", notEqual = "!=", less = "<", greater = ">"

        func holds(_ a: Double, _ b: Double) -> Bool {
            switch self {
            case .less: return a < b
            case .lessOrEqual: return a <= b
            case .greater: return a > b
            case .greaterOrEqual: return a >= b
            case .equal: return a == b
            case .notEqual: return a != b
            }
        }
    }

    /// The metric as written, tags included: "http_req_duration", "utilisation{node:db}".
    public var metric: String
    /// The expression as written: "p(99)<300".
    public var expression: String
    public var aggregation: String
    public var comparison: Comparison
    public var limit: Double

    public static let metrics: [String: [String]] = [
        "http_req_duration": ["avg", "min", "med", "max", "p(N)"],
        "http_req_duration_uncorrected": ["avg", "min", "med", "max", "p(N)"],
        "http_req_failed": ["rate"],
        "http_reqs": ["count", "rate"],
        "iterations": ["count", "rate"],
        "dropped_iterations": ["count", "rate"],
        "utilisation": ["value"],
        "queue": ["avg", "max"],
        "pool_wait": ["avg"],
        "retries": ["count", "rate"],
        "cache_hit_ratio": ["value"],
        "errors": ["count", "rate"],
    ]

    /// Parses one expression for `metric`.
    public static func parse(metric: String, expression: String, path: String) throws -> Threshold {
        let (base, _) = try splitTags(metric, path: path)
        guard let aggregations = metrics[base] else {
            throw SyslabError.invalidArgument("\(path): unknown metric '\(ErrorText.quoted(base))' (known: \(metrics.keys.sorted().joined(separator: ", ")))")
        }
        let text = expression.filter { $0 != " " }
        // The first comparison operator in the text; at one position the two-character form wins.
        var found: (Comparison, Range<String.Index>)? = nil
        for c in Comparison.allCases {
            guard let range = Threshold.find(c.rawValue, in: text) else { continue }
            if let best = found, best.1.lowerBound <= range.lowerBound { continue }
            found = (c, range)
        }
        guard let op = found else {
            throw SyslabError.invalidArgument("\(path): '\(ErrorText.quoted(expression))' has no comparison (<, <=, >, >=, ==, !=); write e.g. \"p(99)<300\"")
        }
        let aggregation = String(text[..<op.1.lowerBound])
        let valueText = String(text[op.1.upperBound...])
        guard let limit = Double(valueText), limit.isFinite else {
            throw SyslabError.invalidArgument("\(path): '\(ErrorText.quoted(expression))': '\(ErrorText.quoted(valueText))' is not a number")
        }
        let allowed = aggregations.contains { $0 == aggregation || ($0 == "p(N)" && percentile(aggregation) != nil) }
        guard allowed else {
            throw SyslabError.invalidArgument("\(path): '\(ErrorText.quoted(aggregation))' does not apply to \(base) (use \(aggregations.joined(separator: ", ")))")
        }
        return Threshold(metric: metric, expression: expression, aggregation: aggregation, comparison: op.0, limit: limit)
    }

    static func find(_ needle: String, in text: String) -> Range<String.Index>? {
        var i = text.startIndex
        while i < text.endIndex {
            if text[i...].hasPrefix(needle) { return i..<text.index(i, offsetBy: needle.count) }
            i = text.index(after: i)
        }
        return nil
    }

    static func percentile(_ aggregation: String) -> Double? {
        guard aggregation.hasPrefix("p("), aggregation.hasSuffix(")") else { return nil }
        guard let p = Double(aggregation.dropFirst(2).dropLast()), p >= 0, p <= 100 else { return nil }
        return p
    }

    static func splitTags(_ metric: String, path: String) throws -> (String, [String: String]) {
        guard let open = metric.firstIndex(of: "{") else { return (metric, [:]) }
        guard metric.hasSuffix("}") else { throw SyslabError.invalidArgument("\(path): metric '\(ErrorText.quoted(metric))' has an unclosed '{'") }
        var tags: [String: String] = [:]
        for part in metric[metric.index(after: open)..<metric.index(before: metric.endIndex)].split(separator: ",") {
            let kv = part.split(separator: ":", maxSplits: 1).map { String($0).trimmingCharacters(in: " ") }
            guard kv.count == 2 else { throw SyslabError.invalidArgument("\(path): tag '\(ErrorText.quoted(part))' in '\(ErrorText.quoted(metric))' must be key:value") }
            tags[kv[0]] = kv[1]
        }
        return (String(metric[..<open]), tags)
    }

    /// The metric's value in `result` for this threshold's aggregation.
    public func value(in result: SimulationResult) throws -> Double {
        let (base, tags) = try Threshold.splitTags(metric, path: "thresholds")
        func latency(_ p: Percentiles, _ h: (Double) -> Double) -> Double {
            // k6 reports durations in milliseconds.
            switch aggregation {
            case "avg": return p.mean * 1000
            case "min": return h(0) * 1000
            case "med": return p.p50 * 1000
            case "max": return p.max * 1000
            default: return h(Threshold.percentile(aggregation) ?? 50) * 1000
            }
        }
        func node() throws -> ComponentReport {
            guard let id = tags["node"], let c = result.components.first(where: { $0.id == id }) else {
                throw SyslabError.notFound("threshold on \(metric): name a node with {node:<id>} (nodes: \(result.nodeIds.joined(separator: ", ")))")
            }
            return c
        }
        func edge() throws -> EdgeReport {
            guard let id = tags["edge"], let e = result.edges.first(where: { $0.id == id }) else {
                throw SyslabError.notFound("threshold on \(metric): name an edge with {edge:<id>} (edges: \(result.edgeIds.joined(separator: ", ")))")
            }
            return e
        }
        let seconds = max(result.duration, 1e-9)
        switch base {
        case "http_req_duration": return latency(result.latency) { result.latencyPercentile($0, corrected: true) }
        case "http_req_duration_uncorrected": return latency(result.uncorrectedLatency) { result.latencyPercentile($0, corrected: false) }
        case "http_req_failed": return result.failureRate
        case "http_reqs", "iterations": return aggregation == "count" ? Double(result.completed) : result.throughput
        case "dropped_iterations": return aggregation == "count" ? Double(result.droppedIterations) : Double(result.droppedIterations) / seconds
        case "errors":
            let n = try node()
            return aggregation == "count" ? Double(n.failed) : Double(n.failed) / seconds
        case "utilisation":
            let n = try node()
            guard let utilisation = n.utilisation else {
                throw SyslabError.invalidArgument("threshold on \(metric): node '\(ErrorText.quoted(n.id))' has unlimited servers, so no utilisation")
            }
            return utilisation
        case "queue":
            let n = try node()
            return aggregation == "max" ? result.series.map { $0.queue[result.nodeIds.firstIndex(of: n.id)!] }.max() ?? 0 : n.meanQueue
        case "pool_wait": return try edge().meanPoolWait * 1000
        case "retries":
            let e = try edge()
            return aggregation == "count" ? Double(e.retries) : Double(e.retries) / seconds
        case "cache_hit_ratio":
            guard let cache = try node().cache else { throw SyslabError.invalidArgument("threshold on \(metric): the node has no cache") }
            return cache.hitRatio
        default:
            throw SyslabError.invalidArgument("unknown metric '\(ErrorText.quoted(base))'")
        }
    }

    public var json: JSONValue {
        ["metric": .string(metric), "threshold": .string(expression)]
    }
}

/// A threshold judged against a finished run.
public struct ThresholdResult: Sendable {
    public var threshold: Threshold
    public var value: Double
    public var passed: Bool

    public var json: JSONValue {
        ["metric": .string(threshold.metric), "threshold": .string(threshold.expression),
         "value": .number(value), "ok": .bool(passed)]
    }
}

public struct Thresholds: Sendable, Equatable {
    public var items: [Threshold]

    public init(_ items: [Threshold] = []) { self.items = items }

    /// Reads k6's form: `{ http_req_duration = {"p(99)<300", "avg<100"}, http_req_failed = {"rate<0.01"} }`;
    /// an item may also be `{threshold = "p(99)<300"}`.
    public init(config json: JSONValue, path: String = "thresholds") throws {
        let o = try ConfigObject(json, path: path)
        var items: [Threshold] = []
        for metric in o.members.keys.sorted() {
            let value = o.members[metric]!
            let list: [JSONValue]
            if case .array(let a) = value { list = a } else { list = [value] }
            for (i, item) in list.enumerated() {
                let at = "\(path).\(metric)[\(i + 1)]"
                var expression: String
                if let s = item.stringValue {
                    expression = s
                } else {
                    let t = try ConfigObject(item, path: at)
                    try t.allowOnly(["threshold"])
                    expression = try t.requiredString("threshold")
                }
                items.append(try Threshold.parse(metric: metric, expression: expression, path: at))
            }
        }
        self.items = items
    }

    public func evaluate(_ result: SimulationResult) throws -> [ThresholdResult] {
        try items.map { t in
            let v = try t.value(in: result)
            return ThresholdResult(threshold: t, value: v, passed: t.comparison.holds(v, t.limit))
        }
    }
}
