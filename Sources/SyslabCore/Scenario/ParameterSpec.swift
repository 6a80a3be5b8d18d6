/// The type of a scenario parameter.
public enum ParameterType: String, Sendable, Equatable, CaseIterable {
    case integer, number, boolean, string, `enum`
}

/// One typed parameter of a scenario: its default and the safety limits that
/// `enable` enforces.
public struct ParameterSpec: Sendable, Equatable {
    public var name: String
    public var type: ParameterType
    public var defaultValue: ParameterValue
    public var minimum: Double?
    public var maximum: Double?
    public var unit: String?
    public var choices: [String]
    public var help: String

    public init(
        name: String, type: ParameterType, defaultValue: ParameterValue,
        minimum: Double? = nil, maximum: Double? = nil, unit: String? = nil,
        choices: [String] = [], help: String
    ) {
        self.name = name; self.type = type; self.defaultValue = defaultValue
        self.minimum = minimum; self.maximum = maximum; self.unit = unit
        self.choices = choices; self.help = help
    }

    public static func integer(_ name: String, default value: Int, min: Int, max: Int, unit: String? = nil, help: String) -> ParameterSpec {
        ParameterSpec(name: name, type: .integer, defaultValue: .integer(value), minimum: Double(min), maximum: Double(max), unit: unit, help: help)
    }

    public static func number(_ name: String, default value: Double, min: Double, max: Double, unit: String? = nil, help: String) -> ParameterSpec {
        ParameterSpec(name: name, type: .number, defaultValue: .number(value), minimum: min, maximum: max, unit: unit, help: help)
    }

    public static func boolean(_ name: String, default value: Bool, help: String) -> ParameterSpec {
        ParameterSpec(name: name, type: .boolean, defaultValue: .boolean(value), help: help)
    }

    public static func string(_ name: String, default value: String, help: String) -> ParameterSpec {
        ParameterSpec(name: name, type: .string, defaultValue: .string(value), help: help)
    }

    public static func choice(_ name: String, default value: String, choices: [String], help: String) -> ParameterSpec {
        ParameterSpec(name: name, type: .enum, defaultValue: .string(value), choices: choices, help: help)
    }

    /// Checks a JSON value against this spec; the error names the parameter,
    /// the expected type and the allowed range.
    public func validate(_ json: JSONValue, scenario: String) throws -> ParameterValue {
        let label = "parameter '\(name)' of scenario '\(scenario)'"
        switch type {
        case .integer:
            guard case .number(let n) = json else {
                throw SyslabError.typeMismatch("\(label) must be an integer, got \(json.typeName)")
            }
            guard n == n.rounded(), abs(n) < 9.0e15 else {
                throw SyslabError.typeMismatch("\(label) must be an integer, got \(JSONValue.format(number: n))")
            }
            try checkRange(n, label: label)
            return .integer(Int(n))
        case .number:
            guard case .number(let n) = json, n.isFinite else {
                throw SyslabError.typeMismatch("\(label) must be a number, got \(json.typeName)")
            }
            try checkRange(n, label: label)
            return .number(n)
        case .boolean:
            guard case .bool(let b) = json else {
                throw SyslabError.typeMismatch("\(label) must be a boolean, got \(json.typeName)")
            }
            return .boolean(b)
        case .string:
            guard case .string(let s) = json else {
                throw SyslabError.typeMismatch("\(label) must be a string, got \(json.typeName)")
            }
            return .string(s)
        case .enum:
            guard case .string(let s) = json else {
                throw SyslabError.typeMismatch("\(label) must be one of \(choices.joined(separator: ", ")), got \(json.typeName)")
            }
            guard choices.contains(s) else {
                throw SyslabError.outOfRange("\(label) must be one of \(choices.joined(separator: ", ")), got '\(s)'")
            }
            return .string(s)
        }
    }

    private func checkRange(_ n: Double, label: String) throws {
        let belowMinimum = minimum.map { n < $0 } ?? false
        let aboveMaximum = maximum.map { n > $0 } ?? false
        if belowMinimum || aboveMaximum {
            throw SyslabError.outOfRange("\(label) must be in [\(rangeText)]\(unitText), got \(JSONValue.format(number: n))")
        }
    }

    private var rangeText: String {
        "\(minimum.map { JSONValue.format(number: $0) } ?? "-inf"), \(maximum.map { JSONValue.format(number: $0) } ?? "inf")"
    }

    private var unitText: String { unit.map { " \($0)" } ?? "" }

    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "name": .string(name), "type": .string(type.rawValue),
            "default": defaultValue.json, "help": .string(help),
        ]
        if let minimum { o["min"] = .number(minimum) }
        if let maximum { o["max"] = .number(maximum) }
        if let unit { o["unit"] = .string(unit) }
        if !choices.isEmpty { o["choices"] = .array(choices.map { .string($0) }) }
        return .object(o)
    }
}

/// A validated parameter value.
public enum ParameterValue: Sendable, Equatable {
    case integer(Int)
    case number(Double)
    case boolean(Bool)
    case string(String)

    public var json: JSONValue {
        switch self {
        case .integer(let i): return .number(Double(i))
        case .number(let d): return .number(d)
        case .boolean(let b): return .bool(b)
        case .string(let s): return .string(s)
        }
    }

    public var doubleValue: Double {
        switch self {
        case .integer(let i): return Double(i)
        case .number(let d): return d
        case .boolean(let b): return b ? 1 : 0
        case .string(let s): return Double(s) ?? 0
        }
    }
}

/// The validated parameters of an enabled scenario, by name. Stored as a
/// short list sorted by name: scenarios read a handful of parameters on every
/// decision, and comparing a few (mostly small, inline) strings is much
/// cheaper than hashing them.
public struct ParameterValues: Sendable, Equatable {
    private var entries: [(name: String, value: ParameterValue)]

    public init(_ values: [String: ParameterValue] = [:]) {
        entries = values.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The values by name.
    public var values: [String: ParameterValue] {
        Dictionary(uniqueKeysWithValues: entries.map { ($0.name, $0.value) })
    }

    public subscript(name: String) -> ParameterValue? {
        for entry in entries where entry.name == name { return entry.value }
        return nil
    }

    public func double(_ name: String) -> Double { self[name]?.doubleValue ?? 0 }
    public func int(_ name: String) -> Int {
        if case .integer(let i)? = self[name] { return i }
        return Int(double(name))
    }
    public func bool(_ name: String) -> Bool {
        if case .boolean(let b)? = self[name] { return b }
        return false
    }
    public func string(_ name: String) -> String {
        if case .string(let s)? = self[name] { return s }
        return ""
    }

    public var json: JSONValue { .object(values.mapValues(\.json)) }

    /// A copy in fresh storage (see `ScenarioInvocation.threadPrivateCopy`).
    func threadPrivateCopy() -> ParameterValues {
        var copy = ParameterValues()
        copy.entries = entries.map { entry in
            let value: ParameterValue
            if case .string(let s) = entry.value { value = .string(String(decoding: Array(s.utf8), as: UTF8.self)) } else { value = entry.value }
            return (String(decoding: Array(entry.name.utf8), as: UTF8.self), value)
        }
        return copy
    }

    public static func == (a: ParameterValues, b: ParameterValues) -> Bool {
        a.entries.count == b.entries.count && zip(a.entries, b.entries).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}
