import SyslabCore

/// A condition on a sweep row: `"<figure> <op> <number>"`, e.g. `"p99_ms < 250"`
/// or `"failure_rate <= 0.01"`, with the comparisons of k6 thresholds.
public struct SweepCondition: Sendable, CustomStringConvertible {
    public let figure: String
    public let comparison: String
    public let limit: Double
    public var description: String { "\(figure) \(comparison) \(JSONValue.format(number: limit))" }

    static let comparisons = ["<=", ">=", "==", "!=", "<", ">"]

    public init(_ text: String) throws {
        for op in Self.comparisons {
            guard let range = text.firstRange(of: op) else { continue }
            let figure = text[..<range.lowerBound].trimmed()
            let number = text[range.upperBound...].trimmed()
            guard !figure.isEmpty, let limit = Double(number), limit.isFinite else { break }
            self.figure = figure; self.comparison = op; self.limit = limit
            return
        }
        throw SyslabError.invalidArgument("condition '\(ErrorText.quoted(text))' must read '<figure> <op> <number>' with op one of \(Self.comparisons.joined(separator: " ")), e.g. 'p99_ms < 250'")
    }

    /// Holds on a row; a failed run or a missing figure never meets it.
    public func holds(on row: SweepRow) -> Bool {
        guard row.error == nil, let v = row.number(figure) else { return false }
        switch comparison {
        case "<": return v < limit
        case "<=": return v <= limit
        case ">": return v > limit
        case ">=": return v >= limit
        case "==": return v == limit
        default: return v != limit
        }
    }
}

private extension Substring {
    /// Without the spaces around it.
    func trimmed() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}

/// The smallest value of one parameter that meets a condition, by bisection
/// over a list of values in which the condition, once met, stays met (more
/// servers, a bigger pool). A value meets it when every replica's run does.
/// Each value is run as a one-point sweep with the sweep's seed, so its rows
/// equal that point's rows in a full sweep.
public struct SweepSearch: Sendable {
    public let test: JSONValue
    public let path: SweepPath
    public let values: [JSONValue]
    public let condition: SweepCondition
    public let options: SweepOptions

    public init(test: JSONValue, path: SweepPath, values: [JSONValue], condition: SweepCondition, options: SweepOptions = SweepOptions()) throws {
        // Reading the whole grid up front rejects a bad path or value before anything runs.
        _ = try Sweep(test: test, grid: try SweepGrid(axes: [.init(path: path, values: values)]), options: options)
        self.test = test; self.path = path; self.values = values; self.condition = condition; self.options = options
    }

    /// `{test=..., path=, values=[...], condition=, replicas=, threads=, seed=}`
    public init(config json: JSONValue) throws {
        let o = try ConfigObject(json, path: "search")
        try o.allowOnly(["test", "path", "values", "condition", "replicas", "threads", "seed"])
        guard let test = o.members["test"], !test.isNull else { throw SyslabError.invalidArgument("search needs 'test' (the load test)") }
        guard let values = try o.optionalArray("values") else { throw SyslabError.invalidArgument("search needs 'values' (a list, smallest first)") }
        var sweepOptions: [String: JSONValue] = [:]
        for key in ["replicas", "threads", "seed"] { if let v = o.members[key] { sweepOptions[key] = v } }
        try self.init(test: test, path: try SweepPath(o.requiredString("path")), values: values,
                      condition: try SweepCondition(o.requiredString("condition")),
                      options: try SweepOptions(config: .object(sweepOptions)))
    }

    public struct Step: Sendable {
        public var index: Int
        public var met: Bool
        public var rows: [SweepRow]
    }

    /// Runs the search. `answer` is the index of the smallest value that meets
    /// the condition, nil when even the largest does not.
    public func run() throws -> (answer: Int?, steps: [Step]) {
        var steps: [Step] = []
        func meets(_ i: Int) throws -> Bool {
            let sweep = try Sweep(test: test, grid: try SweepGrid(axes: [.init(path: path, values: [values[i]])]), options: options)
            let rows = try sweep.run().rows
            let met = rows.count == options.replicas && rows.allSatisfy(condition.holds)
            steps.append(Step(index: i, met: met, rows: rows))
            return met
        }
        var lo = 0, hi = values.count - 1
        guard try meets(hi) else { return (nil, steps) }
        while lo < hi {
            let mid = (lo + hi) / 2
            if try meets(mid) { hi = mid } else { lo = mid + 1 }
        }
        return (hi, steps)
    }

    public func json(_ outcome: (answer: Int?, steps: [Step])) -> JSONValue {
        ["path": .string(path.text), "condition": .string(condition.description),
         "value": outcome.answer.map { values[$0] } ?? .null,
         "index": outcome.answer.map { .number(Double($0 + 1)) } ?? .null,
         "steps": .array(outcome.steps.map { s in
             ["value": values[s.index], "index": .number(Double(s.index + 1)), "met": .bool(s.met),
              "rows": .array(s.rows.map(\.json))]
         })]
    }
}

/// The knee of a latency–load curve: the point where latency stops growing
/// gently and starts to climb, found as the point furthest below the chord
/// from the first point to the last once both axes are scaled to [0, 1]
/// (Satopää et al., "Finding a Kneedle in a Haystack", 2011). Rows with the
/// same x (replicas) are averaged first.
public enum SweepKnee {
    /// `{rows = [...], x = "workload.rate", y = "p99_ms"}` → `{x, y, index}` or null.
    public static func find(config json: JSONValue) throws -> JSONValue {
        let o = try ConfigObject(json, path: "knee")
        try o.allowOnly(["rows", "x", "y"])
        let xName = try o.requiredString("x"), yName = try o.requiredString("y")
        guard let rows = try o.optionalArray("rows") else { throw SyslabError.invalidArgument("knee needs 'rows' (a sweep's rows)") }
        var sums: [Double: (total: Double, n: Int)] = [:]
        for (i, row) in rows.enumerated() {
            guard row["error"] == nil || row["error"]!.isNull else { continue }
            guard let x = row[xName]?.doubleValue, x.isFinite else {
                throw SyslabError.typeMismatch("knee: rows[\(i + 1)].\(xName) must be a number, got \(row[xName]?.typeName ?? "nothing")")
            }
            guard let y = row[yName]?.doubleValue, y.isFinite else {
                throw SyslabError.typeMismatch("knee: rows[\(i + 1)].\(yName) must be a number, got \(row[yName]?.typeName ?? "nothing")")
            }
            sums[x, default: (0, 0)].total += y
            sums[x, default: (0, 0)].n += 1
        }
        let xs = sums.keys.sorted()
        guard xs.count >= 3 else { throw SyslabError.invalidArgument("knee needs at least 3 distinct values of \(xName), got \(xs.count)") }
        let ys = xs.map { sums[$0]!.total / Double(sums[$0]!.n) }
        guard let i = knee(x: xs, y: ys) else { return .null }
        return ["x": .number(xs[i]), "y": .number(ys[i]), "index": .number(Double(i + 1))]
    }

    /// Index of the knee of an increasing, convex curve (x ascending), or nil
    /// when no point lies below the chord (a straight or concave curve).
    public static func knee(x: [Double], y: [Double]) -> Int? {
        guard x.count == y.count, x.count >= 3, let x0 = x.first, let x1 = x.last, x1 > x0 else { return nil }
        let yMin = y.min()!, yMax = y.max()!
        guard yMax > yMin else { return nil }
        let yFirst = (y.first! - yMin) / (yMax - yMin), yLast = (y.last! - yMin) / (yMax - yMin)
        var best: Int? = nil, bestGap = 1e-9
        for i in x.indices {
            let xn = (x[i] - x0) / (x1 - x0)
            let yn = (y[i] - yMin) / (yMax - yMin)
            let chord = yFirst + (yLast - yFirst) * xn
            let gap = chord - yn
            if gap > bestGap { bestGap = gap; best = i }
        }
        return best
    }
}
