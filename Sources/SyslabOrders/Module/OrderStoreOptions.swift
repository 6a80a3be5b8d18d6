import SyslabCore

/// How an order store behaves; every field has a default, and JSON callers give
/// any subset: {"snapshot_every": 20, "projections": "inline", "projection_budget_ms": 100,
/// "saga_max_attempts": 3, "saga_backoff_ms": 5, "seed": 1}.
public struct OrderStoreOptions: Sendable, Equatable {
    /// A snapshot of an order is written each time its version reaches a multiple of this.
    public var snapshotEvery = 20
    /// Inline: each command catches the projections up (within the budget) before it
    /// returns. Manual: only catch_up and rebuild move them.
    public var inlineProjections = true
    /// Most injected apply delay (seconds, from event-replay-lag or any scenario giving a
    /// delay at a projection) an inline catch-up spends; events beyond it wait. Real apply
    /// time is not counted, so without such a scenario inline projections never lag.
    public var projectionBudget = 0.1
    /// Attempts of a saga step that fails (the first included) before the saga gives up on it.
    public var sagaMaxAttempts = 3
    /// The first retry waits this long; each next one twice as long (with seeded jitter), at most 1 s.
    public var sagaBackoff = 0.005
    /// Seeds the backoff jitter.
    public var seed: UInt64 = 0x5EED

    public init() {}

    static let keys = ["snapshot_every", "projections", "projection_budget_ms", "saga_max_attempts", "saga_backoff_ms", "seed"]

    public static func parse(_ json: JSONValue?) throws -> OrderStoreOptions {
        var options = OrderStoreOptions()
        guard let json, !json.isNull else { return options }
        guard case .object(let o) = json else { throw SyslabError.typeMismatch("options must be a JSON object, got \(json.typeName)") }
        for key in o.keys where !keys.contains(key) {
            throw SyslabError.invalidArgument("unknown option '\(ErrorText.quoted(key))' (expected \(keys.joined(separator: ", ")))")
        }
        func number(_ key: String, _ range: ClosedRange<Double>, integer: Bool) throws -> Double? {
            guard let value = o[key] else { return nil }
            guard let n = value.doubleValue else { throw SyslabError.typeMismatch("options.\(key) must be a number, got \(value.typeName)") }
            guard range.contains(n), !integer || n == n.rounded() else {
                throw SyslabError.outOfRange(
                    "options.\(key) must be \(integer ? "an integer" : "a number") in [\(JSONValue.format(number: range.lowerBound)), \(JSONValue.format(number: range.upperBound))], got \(JSONValue.format(number: n))")
            }
            return n
        }
        if let n = try number("snapshot_every", 1...1_000_000, integer: true) { options.snapshotEvery = Int(n) }
        if let n = try number("projection_budget_ms", 0...600_000, integer: false) { options.projectionBudget = n / 1000 }
        if let n = try number("saga_max_attempts", 1...100, integer: true) { options.sagaMaxAttempts = Int(n) }
        if let n = try number("saga_backoff_ms", 0...60_000, integer: false) { options.sagaBackoff = n / 1000 }
        if let n = try number("seed", 0...9_007_199_254_740_991, integer: true) { options.seed = UInt64(n) }
        if let value = o["projections"] {
            switch value.stringValue {
            case "inline"?: options.inlineProjections = true
            case "manual"?: options.inlineProjections = false
            default: throw SyslabError.invalidArgument("options.projections must be \"inline\" or \"manual\"")
            }
        }
        return options
    }
}
