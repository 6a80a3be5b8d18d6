/// What a host service (or the simulator) knows about one request when it
/// asks the registry which failures to inject.
public struct RequestContext: Sendable, Equatable {
    public var route: String
    public var method: String
    /// Component kind handling the request, e.g. "backend" or "postgres".
    public var component: String
    public var tags: [String]

    public init(route: String = "", method: String = "", component: String = "", tags: [String] = []) {
        self.route = route; self.method = method; self.component = component; self.tags = tags
    }

    /// Parses a request given as JSON: {"route", "method", "component", "tags"};
    /// null is an empty request. An empty object stands for empty tags, since
    /// an empty Lua table cannot say whether it is a list.
    public static func parse(_ json: JSONValue) throws -> RequestContext {
        if json.isNull { return RequestContext() }
        guard case .object(let o) = json else {
            throw SyslabError.typeMismatch("a request must be an object, got \(json.typeName)")
        }
        var context = RequestContext()
        for (key, value) in o {
            switch key {
            case "route", "method", "component":
                guard let s = value.stringValue else {
                    throw SyslabError.typeMismatch("request.\(key) must be a string, got \(value.typeName)")
                }
                if key == "route" { context.route = s } else if key == "method" { context.method = s } else { context.component = s }
            case "tags":
                if case .object(let members) = value, members.isEmpty { continue }
                guard let items = value.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
                    throw SyslabError.typeMismatch("request.tags must be an array of strings")
                }
                context.tags = items.compactMap(\.stringValue)
            default:
                throw SyslabError.invalidArgument("unknown request field '\(key)' (expected route, method, component, tags)")
            }
        }
        return context
    }
}

/// Which requests an enabled scenario applies to. Empty fields match all.
/// `route` is a prefix match, or exact when it does not end in `*`.
public struct Targeting: Sendable, Equatable {
    public var route: String?
    public var method: String?
    public var component: String?
    public var tags: [String]
    /// Fraction of matching requests affected, drawn per request.
    public var probability: Double

    public init(route: String? = nil, method: String? = nil, component: String? = nil, tags: [String] = [], probability: Double = 1) {
        self.route = route; self.method = method; self.component = component; self.tags = tags; self.probability = probability
    }

    public static let everything = Targeting()

    /// True when `context` is in scope. Allocates nothing (the decision hot path calls it).
    public func matches(_ context: RequestContext) -> Bool {
        if let route, !route.isEmpty {
            if route.utf8.last == UInt8(ascii: "*") {
                if !context.route.utf8.starts(with: route.utf8.dropLast()) { return false }
            } else if context.route != route {
                return false
            }
        }
        if let method, !method.isEmpty, !Targeting.equalIgnoringASCIICase(method, context.method) { return false }
        if let component, !component.isEmpty, component != context.component { return false }
        for tag in tags where !context.tags.contains(tag) { return false }
        return true
    }

    static func equalIgnoringASCIICase(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        for (x, y) in zip(a.utf8, b.utf8) where x != y {
            let lx = x >= 65 && x <= 90 ? x + 32 : x
            let ly = y >= 65 && y <= 90 ? y + 32 : y
            if lx != ly { return false }
        }
        return true
    }

    /// Parses the `target` member of enable's parameters JSON.
    public static func parse(_ json: JSONValue, scenario: String) throws -> Targeting {
        guard case .object(let o) = json else {
            throw SyslabError.typeMismatch("'target' of scenario '\(scenario)' must be an object, got \(json.typeName)")
        }
        var t = Targeting()
        for (key, value) in o {
            switch key {
            case "route", "method", "component":
                guard let s = value.stringValue else {
                    throw SyslabError.typeMismatch("target.\(key) of scenario '\(scenario)' must be a string, got \(value.typeName)")
                }
                if key == "route" { t.route = s } else if key == "method" { t.method = s } else { t.component = s }
            case "tags":
                guard let items = value.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
                    throw SyslabError.typeMismatch("target.tags of scenario '\(scenario)' must be an array of strings")
                }
                t.tags = items.compactMap(\.stringValue)
            case "probability":
                guard let p = value.doubleValue else {
                    throw SyslabError.typeMismatch("target.probability of scenario '\(scenario)' must be a number, got \(value.typeName)")
                }
                guard p >= 0, p <= 1 else {
                    throw SyslabError.outOfRange("target.probability of scenario '\(scenario)' must be in [0, 1], got \(JSONValue.format(number: p))")
                }
                t.probability = p
            default:
                throw SyslabError.invalidArgument("unknown target field '\(key)' for scenario '\(scenario)' (expected route, method, component, tags, probability)")
            }
        }
        return t
    }

    public var json: JSONValue {
        var o: [String: JSONValue] = ["probability": .number(probability), "tags": .array(tags.map { .string($0) })]
        if let route { o["route"] = .string(route) }
        if let method { o["method"] = .string(method) }
        if let component { o["component"] = .string(component) }
        return .object(o)
    }
}
