import SyslabCore

/// The value of a span or resource attribute. OpenTelemetry allows strings,
/// 64-bit integers, doubles and booleans (arrays are not needed here).
public enum AttributeValue: Sendable, Equatable, Hashable {
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)

    /// A number as an int when it is whole, else a double: the form it has
    /// after a trip through JSON, so traces read back unchanged.
    public static func number(_ d: Double) -> AttributeValue {
        d == d.rounded() && abs(d) < 9.0e15 ? .int(Int64(d)) : .double(d)
    }

    /// The value as text, for tag maps (Zipkin) and terminal views.
    public var text: String {
        switch self {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return JSONValue.format(number: d)
        case .bool(let b): return b ? "true" : "false"
        }
    }

    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    public var intValue: Int64? { if case .int(let i) = self { return i }; return nil }
    public var boolValue: Bool? { if case .bool(let b) = self { return b }; return nil }

    public var json: JSONValue {
        switch self {
        case .string(let s): return .string(s)
        case .int(let i): return .number(Double(i))
        case .double(let d): return .number(d)
        case .bool(let b): return .bool(b)
        }
    }

    /// JSON numbers that are whole become integers, others doubles.
    public static func parse(_ json: JSONValue, path: String) throws -> AttributeValue {
        switch json {
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .number(let n):
            guard n.isFinite else { throw SyslabError.outOfRange("\(path) must be a finite number") }
            if n == n.rounded(), abs(n) < 9.0e15 { return .int(Int64(n)) }
            return .double(n)
        default:
            throw SyslabError.typeMismatch("\(path) must be a string, number or boolean, got \(json.typeName)")
        }
    }

    /// Parses an object of attributes, e.g. a node's `attributes` member.
    public static func parseMap(_ json: JSONValue, path: String) throws -> [String: AttributeValue] {
        guard case .object(let members) = json else {
            throw SyslabError.typeMismatch("\(path) must be an object, got \(json.typeName)")
        }
        var out: [String: AttributeValue] = [:]
        for (key, value) in members {
            guard !key.isEmpty else { throw SyslabError.invalidArgument("\(path) has an empty attribute name") }
            out[key] = try parse(value, path: "\(path).\(key)")
        }
        return out
    }

    public static func json(_ map: [String: AttributeValue]) -> JSONValue {
        .object(map.mapValues(\.json))
    }
}

extension AttributeValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}
