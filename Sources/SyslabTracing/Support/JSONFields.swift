import SyslabCore

/// Reading members of JSON objects with errors that name the path, the
/// member, what was expected and what was found.
enum JSONFields {
    static func object(_ json: JSONValue, path: String, allowed: [String]? = nil) throws -> [String: JSONValue] {
        guard case .object(let o) = json else {
            throw SyslabError.typeMismatch("\(path) must be an object, got \(json.typeName)")
        }
        if let allowed {
            for key in o.keys.sorted() where !allowed.contains(key) {
                throw SyslabError.invalidArgument("\(path) has unknown member '\(ErrorText.quoted(key))' (expected \(allowed.joined(separator: ", ")))")
            }
        }
        return o
    }

    static func requiredString(_ o: [String: JSONValue], _ key: String, path: String) throws -> String {
        guard let value = o[key], !value.isNull else { throw SyslabError.invalidArgument("\(path) needs '\(ErrorText.quoted(key))'") }
        guard let s = value.stringValue else {
            throw SyslabError.typeMismatch("\(path).\(key) must be a string, got \(value.typeName)")
        }
        guard !s.isEmpty else { throw SyslabError.invalidArgument("\(path).\(key) must not be empty") }
        return s
    }

    static func optionalString(_ o: [String: JSONValue], _ key: String, path: String) throws -> String? {
        guard let value = o[key], !value.isNull else { return nil }
        guard let s = value.stringValue else {
            throw SyslabError.typeMismatch("\(path).\(key) must be a string, got \(value.typeName)")
        }
        return s
    }

    static func optionalBool(_ o: [String: JSONValue], _ key: String, path: String) throws -> Bool? {
        guard let value = o[key], !value.isNull else { return nil }
        guard let b = value.boolValue else {
            throw SyslabError.typeMismatch("\(path).\(key) must be a boolean, got \(value.typeName)")
        }
        return b
    }

    static func optionalNumber(_ o: [String: JSONValue], _ key: String, path: String, range: ClosedRange<Double>) throws -> Double? {
        guard let value = o[key], !value.isNull else { return nil }
        guard let n = value.doubleValue else {
            throw SyslabError.typeMismatch("\(path).\(key) must be a number, got \(value.typeName)")
        }
        guard n.isFinite, range.contains(n) else {
            throw SyslabError.outOfRange("\(path).\(key) must be in [\(JSONValue.format(number: range.lowerBound)), \(JSONValue.format(number: range.upperBound))], got \(JSONValue.format(number: n))")
        }
        return n
    }

    static func optionalInt(_ o: [String: JSONValue], _ key: String, path: String, range: ClosedRange<Int>) throws -> Int? {
        guard let value = o[key], !value.isNull else { return nil }
        guard let n = value.doubleValue else {
            throw SyslabError.typeMismatch("\(path).\(key) must be an integer, got \(value.typeName)")
        }
        guard n == n.rounded(), n.isFinite else {
            throw SyslabError.typeMismatch("\(path).\(key) must be an integer, got \(JSONValue.format(number: n))")
        }
        guard n >= Double(range.lowerBound), n <= Double(range.upperBound) else {
            throw SyslabError.outOfRange("\(path).\(key) must be in [\(range.lowerBound), \(range.upperBound)], got \(JSONValue.format(number: n))")
        }
        return Int(n)
    }

    static func array(_ o: [String: JSONValue], _ key: String, path: String) throws -> [JSONValue] {
        guard let value = o[key], !value.isNull else { throw SyslabError.invalidArgument("\(path) needs '\(ErrorText.quoted(key))'") }
        guard let items = value.arrayValue else {
            throw SyslabError.typeMismatch("\(path).\(key) must be an array, got \(value.typeName)")
        }
        return items
    }

    /// The closest candidate by edit distance, for "did you mean" hints.
    /// Names far longer than any candidate get none (the distance is quadratic).
    static func suggestion(for name: String, in candidates: [String]) -> String? {
        guard name.utf8.count <= ErrorText.quoteLimit else { return nil }
        var best: (String, Int)? = nil
        for candidate in candidates {
            let d = editDistance(name.lowercased(), candidate.lowercased())
            if d <= max(2, name.count / 3), best == nil || d < best!.1 { best = (candidate, d) }
        }
        return best?.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
