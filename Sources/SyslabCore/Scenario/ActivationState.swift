/// Mutable state owned by one activation of a scenario (a token budget, a
/// breaker's state, a leak's accumulated bytes). Thread-safe; discarded on
/// disable, reset or expiry so a re-enabled scenario starts fresh.
public final class ActivationState: @unchecked Sendable {
    private let lock = Lock()
    private var values: [String: Double] = [:]

    public init() {}

    public func get(_ key: String, default value: Double = 0) -> Double {
        lock.withLock { values[key] ?? value }
    }

    public func set(_ key: String, _ value: Double) {
        lock.withLock { values[key] = value }
    }

    /// Atomically reads, transforms and stores one value; returns the new value.
    @discardableResult
    public func update(_ key: String, default value: Double = 0, _ transform: (Double) -> Double) -> Double {
        lock.withLock {
            let next = transform(values[key] ?? value)
            values[key] = next
            return next
        }
    }
}
