import SyslabCore

/// The `syslab` command's small argument languages, parsed into what the
/// registry and the token authority take.
public enum CommandArguments {
    /// "60s", "5m", "1.5h", "250ms", "1d", or a plain number of seconds.
    public static func duration(_ text: String, option: String) throws -> Double {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        var number = Substring(text)
        var scale = 1.0
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            number = text.dropLast(suffix.count)
            scale = factor
            break
        }
        guard let value = Double(number), value.isFinite, value >= 0 else {
            throw SyslabError.invalidArgument(
                "\(option) wants a duration such as 30s, 5m, 1h or 250ms, got '\(ErrorText.quoted(text))'")
        }
        return value * scale
    }

    /// `--param k=v` pairs as the registry's parameters object. A value that
    /// reads as JSON (a number, true, false, null, a quoted string, an array
    /// or object) is taken as such; anything else is a string.
    public static func parameters(_ pairs: [String]) throws -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for pair in pairs {
            let (key, raw) = try split(pair, option: "--param")
            out[key] = (try? JSONValue.parse(raw, limit: .request)) ?? .string(raw)
        }
        return out
    }

    /// `--target route=/x,component=postgres,method=GET,tags=a,probability=0.5`
    /// (repeatable; `tags` accumulates) as the `target` object.
    public static func target(_ specs: [String]) throws -> JSONValue? {
        guard !specs.isEmpty else { return nil }
        var out: [String: JSONValue] = [:]
        var tags: [JSONValue] = []
        for spec in specs {
            for piece in spec.split(separator: ",", omittingEmptySubsequences: true) {
                let (key, value) = try split(String(piece), option: "--target")
                switch key {
                case "route", "method", "component": out[key] = .string(value)
                case "tags", "tag": tags.append(.string(value))
                case "probability":
                    guard let p = Double(value) else {
                        throw SyslabError.typeMismatch("--target probability must be a number, got '\(ErrorText.quoted(value))'")
                    }
                    out[key] = .number(p)
                default:
                    throw SyslabError.invalidArgument(
                        "unknown --target field '\(ErrorText.quoted(key))' (expected route, method, component, tags, probability)")
                }
            }
        }
        if !tags.isEmpty { out["tags"] = .array(tags) }
        return .object(out)
    }

    private static func split(_ pair: String, option: String) throws -> (String, String) {
        guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex else {
            throw SyslabError.invalidArgument("\(option) wants KEY=VALUE, got '\(ErrorText.quoted(pair))'")
        }
        return (String(pair[..<eq]), String(pair[pair.index(after: eq)...]))
    }
}
