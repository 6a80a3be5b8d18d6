import SyslabCore

/// Reads one JSON object of user configuration with precise errors: every
/// message names the path of the offending member (`system.nodes[2].servers`),
/// what was expected and what was given, and unknown members are rejected so
/// a typo never silently falls back to a default.
public struct ConfigObject {
    public let path: String
    public let members: [String: JSONValue]

    public init(_ json: JSONValue, path: String) throws {
        guard case .object(let o) = json else {
            throw SyslabError.typeMismatch("\(path) must be an object, got \(json.typeName)")
        }
        self.path = path
        self.members = o
    }

    public func has(_ key: String) -> Bool {
        if let v = members[key], !v.isNull { return true }
        return false
    }

    /// Rejects members not in `allowed`.
    public func allowOnly(_ allowed: [String]) throws {
        for key in members.keys.sorted() where !allowed.contains(key) {
            throw SyslabError.invalidArgument("unknown field '\(ErrorText.quoted(key))' in \(path) (expected one of: \(allowed.joined(separator: ", ")))")
        }
    }

    func where_(_ key: String) -> String { "\(path).\(key)" }

    public func optionalNumber(_ key: String, in range: ClosedRange<Double>? = nil) throws -> Double? {
        guard let v = members[key], !v.isNull else { return nil }
        guard let n = v.doubleValue, n.isFinite else {
            throw SyslabError.typeMismatch("\(where_(key)) must be a finite number, got \(v.typeName)")
        }
        if let range, !range.contains(n) {
            throw SyslabError.outOfRange("\(where_(key)) must be in [\(JSONValue.format(number: range.lowerBound)), \(JSONValue.format(number: range.upperBound))], got \(JSONValue.format(number: n))")
        }
        return n
    }

    public func number(_ key: String, default value: Double, in range: ClosedRange<Double>? = nil) throws -> Double {
        try optionalNumber(key, in: range) ?? value
    }

    public func requiredNumber(_ key: String, in range: ClosedRange<Double>? = nil) throws -> Double {
        guard let n = try optionalNumber(key, in: range) else {
            throw SyslabError.invalidArgument("\(path) needs '\(ErrorText.quoted(key))' (a number)")
        }
        return n
    }

    public func optionalInteger(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let n = try optionalNumber(key) else { return nil }
        guard n == n.rounded(), n >= Double(range.lowerBound), n <= Double(range.upperBound) else {
            throw SyslabError.outOfRange("\(where_(key)) must be an integer in [\(range.lowerBound), \(range.upperBound)], got \(JSONValue.format(number: n))")
        }
        return Int(n)
    }

    public func integer(_ key: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
        try optionalInteger(key, in: range) ?? value
    }

    public func requiredInteger(_ key: String, in range: ClosedRange<Int>) throws -> Int {
        guard let n = try optionalInteger(key, in: range) else {
            throw SyslabError.invalidArgument("\(path) needs '\(ErrorText.quoted(key))' (an integer)")
        }
        return n
    }

    public func optionalSeed(_ key: String = "seed") throws -> UInt64? {
        guard let n = try optionalNumber(key) else { return nil }
        guard n >= 0, n == n.rounded(), n < 1.8e19 else {
            throw SyslabError.outOfRange("\(where_(key)) must be a non-negative integer, got \(JSONValue.format(number: n))")
        }
        return UInt64(n)
    }

    public func optionalString(_ key: String) throws -> String? {
        guard let v = members[key], !v.isNull else { return nil }
        guard let s = v.stringValue else {
            throw SyslabError.typeMismatch("\(where_(key)) must be a string, got \(v.typeName)")
        }
        return s
    }

    public func string(_ key: String, default value: String) throws -> String { try optionalString(key) ?? value }

    public func requiredString(_ key: String) throws -> String {
        guard let s = try optionalString(key) else {
            throw SyslabError.invalidArgument("\(path) needs '\(ErrorText.quoted(key))' (a string)")
        }
        return s
    }

    /// A string that must be one of `choices`.
    public func choice(_ key: String, _ choices: [String], default value: String) throws -> String {
        let s = try string(key, default: value)
        guard choices.contains(s) else {
            throw SyslabError.invalidArgument("\(where_(key)) must be one of \(choices.joined(separator: ", ")), got '\(ErrorText.quoted(s))'")
        }
        return s
    }

    public func optionalBool(_ key: String) throws -> Bool? {
        guard let v = members[key], !v.isNull else { return nil }
        guard let b = v.boolValue else {
            throw SyslabError.typeMismatch("\(where_(key)) must be a boolean, got \(v.typeName)")
        }
        return b
    }

    public func bool(_ key: String, default value: Bool) throws -> Bool { try optionalBool(key) ?? value }

    /// A duration in seconds: a number of seconds or a string such as "250ms", "1m30s".
    public func optionalDuration(_ key: String, in range: ClosedRange<Double> = 0...86_400 * 366) throws -> Double? {
        guard let v = members[key], !v.isNull else { return nil }
        let seconds = try DurationText.seconds(v, path: where_(key))
        guard range.contains(seconds) else {
            throw SyslabError.outOfRange("\(where_(key)) must be between \(DurationText.format(range.lowerBound)) and \(DurationText.format(range.upperBound)), got \(DurationText.format(seconds))")
        }
        return seconds
    }

    public func duration(_ key: String, default value: Double, in range: ClosedRange<Double> = 0...86_400 * 366) throws -> Double {
        try optionalDuration(key, in: range) ?? value
    }

    public func requiredDuration(_ key: String, in range: ClosedRange<Double> = 0...86_400 * 366) throws -> Double {
        guard let d = try optionalDuration(key, in: range) else {
            throw SyslabError.invalidArgument("\(path) needs '\(ErrorText.quoted(key))' (a duration such as 0.25 or \"250ms\")")
        }
        return d
    }

    public func optionalObject(_ key: String) throws -> ConfigObject? {
        guard let v = members[key], !v.isNull else { return nil }
        return try ConfigObject(v, path: where_(key))
    }

    public func optionalArray(_ key: String) throws -> [JSONValue]? {
        guard let v = members[key], !v.isNull else { return nil }
        if case .object(let o) = v, o.isEmpty { return [] }   // an empty Lua table
        guard let a = v.arrayValue else {
            throw SyslabError.typeMismatch("\(where_(key)) must be an array, got \(v.typeName)")
        }
        return a
    }

    public func optionalDistribution(_ key: String) throws -> Distribution? {
        guard let v = members[key], !v.isNull else { return nil }
        return try DistributionText.parse(v, path: where_(key))
    }

    public func distribution(_ key: String, default value: Distribution) throws -> Distribution {
        try optionalDistribution(key) ?? value
    }
}
