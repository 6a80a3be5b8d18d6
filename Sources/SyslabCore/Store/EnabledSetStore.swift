/// Where a registry's enabled set lives when it is shared with other
/// processes (the port; adapters such as the Redis store live outside the
/// core). Without one, a registry keeps its set in memory, as always.
///
/// A registry with a store attached validates every change locally first,
/// then hands it to `commit`, which writes it to the store and, once the
/// store has acknowledged it, calls `apply` with the revision the store gave
/// it; the change is applied locally inside that call. Changes made
/// elsewhere reach the registry through `ScenarioRegistry.applyStoredSet`.
/// Decisions never call the store.
public protocol EnabledSetStore: AnyObject, Sendable {
    /// Writes `change` and, once acknowledged, calls `apply(revision)` before
    /// any other change from this store is applied. Throws `SyslabError.io`
    /// ("store unavailable: ...") when the store cannot acknowledge it, and
    /// then nothing is applied.
    func commit(_ change: EnabledSetChange, apply: (String) throws -> Void) throws
    /// The `store` member of the registry's status JSON.
    var statusJSON: JSONValue { get }
    /// Stops talking to the store; called when the registry goes away.
    func close()
}

/// A change to the enabled set, as a store records it.
public enum EnabledSetChange: Sendable {
    /// `parameters` is the caller's parameter object without its `target`
    /// member, which is `target` (null when absent); `ttl` in seconds, 0 = none.
    case enable(name: String, parameters: JSONValue, target: JSONValue, ttl: Double)
    case disable(name: String)
    case reset
}

/// One activation read back from a store.
public struct StoredActivation: Sendable, Equatable {
    public var name: String
    public var parameters: JSONValue
    public var target: JSONValue
    /// Unique per write; an unchanged revision leaves the local activation (and its state) alone.
    public var revision: String
    /// Seconds left by the store's clock; nil = no expiry.
    public var remainingSeconds: Double?
    /// Seconds since it was enabled, by the store's clock.
    public var elapsedSeconds: Double

    public init(name: String, parameters: JSONValue, target: JSONValue, revision: String,
                remainingSeconds: Double?, elapsedSeconds: Double) {
        self.name = name; self.parameters = parameters; self.target = target; self.revision = revision
        self.remainingSeconds = remainingSeconds; self.elapsedSeconds = elapsedSeconds
    }

    /// The parameter object `ScenarioRegistry.enable` takes.
    var parameterObject: JSONValue {
        guard !target.isNull else { return parameters }
        var members = parameters.objectValue ?? [:]
        members["target"] = target
        return .object(members)
    }
}

/// A stored activation this registry could not apply, and why.
public struct UnappliedActivation: Sendable, Equatable {
    public var name: String
    public var reason: String
    public init(name: String, reason: String) { self.name = name; self.reason = reason }
    public var json: JSONValue { ["name": .string(name), "reason": .string(reason)] }
}
