import SyslabCore

/// Durations as users write them: a number of seconds, or text in k6's
/// style ("250ms", "2s", "1m30s", "1h", "500us", "100ns").
public enum DurationText {
    public static func seconds(_ value: JSONValue, path: String) throws -> Double {
        switch value {
        case .number(let n):
            guard n.isFinite, n >= 0 else {
                throw SyslabError.outOfRange("\(path) must be a finite, non-negative number of seconds, got \(JSONValue.format(number: n))")
            }
            return n
        case .string(let s):
            guard let seconds = parse(s) else {
                throw SyslabError.invalidArgument("\(path): cannot read '\(ErrorText.quoted(s))' as a duration (use seconds as a number, or text like \"250ms\", \"2s\", \"1m30s\")")
            }
            return seconds
        default:
            throw SyslabError.typeMismatch("\(path) must be a duration (number of seconds or text like \"250ms\"), got \(value.typeName)")
        }
    }

    /// Parses "1m30s", "250ms", "1.5s"; nil when malformed.
    public static func parse(_ text: String) -> Double? {
        let units: [(String, Double)] = [("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        var rest = Substring(text.trimmingCharacters(in: " "))
        guard !rest.isEmpty else { return nil }
        var total = 0.0
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isNumber || $0 == "." }
            guard !digits.isEmpty, let value = Double(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            let letters = rest.prefix { !($0.isNumber || $0 == ".") }
            guard let unit = units.first(where: { $0.0 == letters }) else { return nil }
            rest = rest.dropFirst(letters.count)
            total += value * unit.1
        }
        return total.isFinite ? total : nil
    }

    /// A short human form: "850µs", "12.5ms", "3.2s", "2m5s".
    public static func format(_ seconds: Double) -> String {
        guard seconds.isFinite else { return seconds > 0 ? "∞" : "-∞" }
        let a = abs(seconds)
        func trimmed(_ x: Double, _ unit: String) -> String {
            let rounded = x >= 100 ? (x).rounded() : x >= 10 ? (x * 10).rounded() / 10 : (x * 100).rounded() / 100
            return JSONValue.format(number: rounded) + unit
        }
        if a == 0 { return "0s" }
        if a < 1e-3 { return trimmed(seconds * 1e6, "µs") }
        if a < 1 { return trimmed(seconds * 1e3, "ms") }
        if a < 60 { return trimmed(seconds, "s") }
        // Beyond what minutes can count in an Int, seconds with an exponent.
        if a >= 1e15 { return JSONValue.format(number: seconds) + "s" }
        // Round to whole seconds first, so 3599.99 s reads 60m0s, not 59m60s.
        let whole = seconds.rounded()
        let minutes = (whole / 60).rounded(.towardZero)
        return "\(minutes.saturatingInt)m\((whole - minutes * 60).saturatingInt)s"
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s = s.dropFirst() }
        while s.last == set { s = s.dropLast() }
        return String(s)
    }
}
