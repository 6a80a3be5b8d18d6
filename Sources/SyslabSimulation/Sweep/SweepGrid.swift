import SyslabCore

/// The values a sweep tries: one axis per path, every combination a point.
///
/// Given as an object `{ ["workload.rate"] = {100, 200}, ["system.nodes.api.servers"] = {4, 8} }`
/// (axes in the order of their paths, since Lua tables have none) or as a
/// list `{ {path = "workload.rate", values = {100, 200}}, ... }` (axes in
/// the order given). Points are numbered with the first axis varying slowest.
public struct SweepGrid: Sendable {
    public struct Axis: Sendable {
        public let path: SweepPath
        public let values: [JSONValue]
    }

    public let axes: [Axis]

    /// A grid this large is a mistake, not a plan.
    public static let maxPoints = 1_000_000

    public init(axes: [Axis]) throws {
        guard !axes.isEmpty else { throw SyslabError.invalidArgument("grid is empty: give at least one path and its list of values") }
        var seen = Set<String>()
        var points = 1
        for axis in axes {
            guard seen.insert(axis.path.text).inserted else {
                throw SyslabError.invalidArgument("grid names '\(ErrorText.quoted(axis.path.text))' twice")
            }
            guard !axis.values.isEmpty else {
                throw SyslabError.invalidArgument("grid: '\(ErrorText.quoted(axis.path.text))' has an empty list of values")
            }
            points = points.multipliedReportingOverflow(by: axis.values.count).overflow ? Int.max : points * axis.values.count
            guard points <= Self.maxPoints else {
                throw SyslabError.limitExceeded("grid has more than \(Self.maxPoints) points")
            }
        }
        self.axes = axes
    }

    public init(config json: JSONValue) throws {
        var axes: [Axis] = []
        switch json {
        case .object(let o):
            for key in o.keys.sorted() {
                axes.append(Axis(path: try SweepPath(key), values: try Self.values(o[key]!, path: key)))
            }
        case .array(let list):
            for (i, item) in list.enumerated() {
                let entry = try ConfigObject(item, path: "grid[\(i + 1)]")
                try entry.allowOnly(["path", "values"])
                let path = try entry.requiredString("path")
                guard let values = entry.members["values"] else {
                    throw SyslabError.invalidArgument("grid[\(i + 1)] needs 'values' (a list)")
                }
                axes.append(Axis(path: try SweepPath(path), values: try Self.values(values, path: path)))
            }
        default:
            throw SyslabError.typeMismatch("grid must be an object of path → list of values, or a list of {path=, values=}, got \(json.typeName)")
        }
        try self.init(axes: axes)
    }

    private static func values(_ json: JSONValue, path: String) throws -> [JSONValue] {
        if case .object(let o) = json, o.isEmpty { return [] }   // an empty Lua table
        guard let list = json.arrayValue else {
            throw SyslabError.typeMismatch("grid: '\(ErrorText.quoted(path))' must map to a list of values, got \(json.typeName)")
        }
        for (i, v) in list.enumerated() where v.isNull {
            throw SyslabError.typeMismatch("grid: '\(ErrorText.quoted(path))' value \(i + 1) is null")
        }
        return list
    }

    public var pointCount: Int { axes.reduce(1) { $0 * $1.values.count } }

    /// The value index on each axis of point `index` (0-based; the last axis varies fastest).
    public func coordinates(of index: Int) -> [Int] {
        var rest = index
        var coordinates = Array(repeating: 0, count: axes.count)
        for a in axes.indices.reversed() {
            coordinates[a] = rest % axes[a].values.count
            rest /= axes[a].values.count
        }
        return coordinates
    }

    /// The (path, value) pairs of point `index`.
    public func point(_ index: Int) -> [(path: SweepPath, value: JSONValue)] {
        zip(axes, coordinates(of: index)).map { ($0.path, $0.values[$1]) }
    }

    public var json: JSONValue {
        .array(axes.map { ["path": .string($0.path.text), "values": .array($0.values)] })
    }
}
