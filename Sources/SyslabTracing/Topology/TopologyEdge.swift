import SyslabCore

/// Whether the caller waits.
public enum EdgeMode: String, Sendable, CaseIterable {
    /// A call: the caller waits for the callee and everything it calls synchronously.
    case sync
    /// A message: the caller hands it off and moves on; the target consumes it later.
    case async
}

/// A call or a message from one node to another.
public struct TopologyEdge: Sendable, Equatable {
    /// Unique within the topology; "from->to" unless given.
    public let id: String
    public let from: String
    public let to: String
    public let mode: EdgeMode
    /// The span name of the callee for this call, e.g. "SELECT users".
    public let operation: String?
    /// The caller gives up after this long; nil means it waits forever.
    public let timeoutMs: Double?
    /// Extra attempts after a failure (0 = no retry).
    public let retries: Int
    /// Wait before the first retry; doubles for each further one.
    public let retryBackoffMs: Double
    /// How many times the caller makes this call (more than 1 models loops and N+1 queries).
    public let calls: Int
    /// The caller handles a failure of this call (cached value, default, degraded answer).
    public let fallback: Bool
    /// For async edges: time from hand-off until the consumer starts (queue lag).
    public let delayMs: Double
    /// Extra attributes on the callee's span for this call (e.g. db.query.text).
    public let attributes: [String: AttributeValue]

    public init(
        id: String? = nil, from: String, to: String, mode: EdgeMode = .sync, operation: String? = nil,
        timeoutMs: Double? = nil, retries: Int = 0, retryBackoffMs: Double = 100, calls: Int = 1,
        fallback: Bool = false, delayMs: Double = 5, attributes: [String: AttributeValue] = [:]
    ) {
        self.id = id ?? "\(from)->\(to)"; self.from = from; self.to = to; self.mode = mode
        self.operation = operation; self.timeoutMs = timeoutMs; self.retries = retries
        self.retryBackoffMs = retryBackoffMs; self.calls = calls; self.fallback = fallback
        self.delayMs = delayMs; self.attributes = attributes
    }

    public static let maxRetries = 10
    public static let maxCalls = 1000

    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "id": .string(id), "from": .string(from), "to": .string(to), "mode": .string(mode.rawValue),
            "retries": .number(Double(retries)), "retry_backoff_ms": .number(retryBackoffMs),
            "calls": .number(Double(calls)), "fallback": .bool(fallback),
        ]
        if mode == .async { o["delay_ms"] = .number(delayMs) }
        if let operation { o["operation"] = .string(operation) }
        if let timeoutMs { o["timeout_ms"] = .number(timeoutMs) }
        if !attributes.isEmpty { o["attributes"] = AttributeValue.json(attributes) }
        return .object(o)
    }

    static let fields = ["id", "from", "to", "mode", "operation", "timeout_ms", "retries", "retry_backoff_ms", "calls",
                         "fallback", "delay_ms", "attributes"]

    public static func parse(_ json: JSONValue, path: String) throws -> TopologyEdge {
        let o = try JSONFields.object(json, path: path, allowed: fields)
        let from = try JSONFields.requiredString(o, "from", path: path)
        let to = try JSONFields.requiredString(o, "to", path: path)
        let id = try JSONFields.optionalString(o, "id", path: path)
        if let id { try TopologyNode.validateId(id, path: "\(path).id", extra: ">") }
        let at = "\(path) ('\(id ?? "\(from)->\(to)")')"
        var mode = EdgeMode.sync
        if let name = try JSONFields.optionalString(o, "mode", path: at) {
            guard let m = EdgeMode(rawValue: name) else {
                throw SyslabError.invalidArgument("\(at).mode must be sync or async, got '\(ErrorText.quoted(name))'")
            }
            mode = m
        }
        return TopologyEdge(
            id: id, from: from, to: to, mode: mode, operation: try JSONFields.optionalString(o, "operation", path: at),
            timeoutMs: try JSONFields.optionalNumber(o, "timeout_ms", path: at, range: 0.001...LatencyProfile.maxMilliseconds),
            retries: try JSONFields.optionalInt(o, "retries", path: at, range: 0...maxRetries) ?? 0,
            retryBackoffMs: try JSONFields.optionalNumber(o, "retry_backoff_ms", path: at, range: 0...60_000) ?? 100,
            calls: try JSONFields.optionalInt(o, "calls", path: at, range: 1...maxCalls) ?? 1,
            fallback: try JSONFields.optionalBool(o, "fallback", path: at) ?? false,
            delayMs: try JSONFields.optionalNumber(o, "delay_ms", path: at, range: 0...LatencyProfile.maxMilliseconds) ?? 5,
            attributes: try o["attributes"].map { try AttributeValue.parseMap($0, path: "\(at).attributes") } ?? [:])
    }
}
