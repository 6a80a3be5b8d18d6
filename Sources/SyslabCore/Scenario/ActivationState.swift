import Synchronization

/// Mutable state owned by one activation of a scenario (a token budget, a
/// breaker's state, a leak's accumulated bytes). Thread-safe; discarded on
/// disable, reset or expiry so a re-enabled scenario starts fresh.
///
/// Scenarios that change several values together use `transaction`, which
/// runs under the state's lock so concurrent decisions see consistent state.
public final class ActivationState: @unchecked Sendable {
    private let lock = Lock()
    // Only touched under `lock`, so the runtime's exclusivity checks are redundant.
    @exclusivity(unchecked) private var store = Values()
    /// Atomic, so gauges can check it on every decision without the lock.
    private let retiredFlag = Atomic<Bool>(false)
    /// A word a scenario keeps in step with its values (written inside
    /// `transaction`) so that a decision which would change nothing can see
    /// that without the lock, and write nothing. 0 until a scenario sets it.
    public let summary = Atomic<UInt64>(0)

    public init() {}

    public func get(_ key: String, default value: Double = 0) -> Double {
        lock.withLock { store.numbers[key] ?? value }
    }

    public func set(_ key: String, _ value: Double) {
        lock.withLock { store.numbers[key] = value }
    }

    /// Atomically reads, transforms and stores one value; returns the new value.
    @discardableResult
    public func update(_ key: String, default value: Double = 0, _ transform: (Double) -> Double) -> Double {
        lock.withLock {
            let next = transform(store.numbers[key] ?? value)
            store.numbers[key] = next
            return next
        }
    }

    /// Runs `body` with exclusive access to every value of this activation.
    public func transaction<T>(_ body: (inout Values) throws -> T) rethrows -> T {
        try lock.withLock { try body(&store) }
    }

    /// True once the activation has ended (disabled, reset, expired or
    /// replaced); a decision still running on it must not publish gauges.
    public var isRetired: Bool { retiredFlag.load(ordering: .acquiring) }

    func retire() { retiredFlag.store(true, ordering: .releasing) }

    /// The values of one activation: named numbers and named arrays of numbers
    /// (e.g. the release times of a pool's slots).
    public struct Values {
        var numbers: [String: Double] = [:]
        var arrays: [String: [Double]] = [:]

        /// A named number; reading a missing one gives 0.
        public subscript(_ key: String) -> Double {
            get { numbers[key] ?? 0 }
            set { numbers[key] = newValue }
        }

        /// A named number with an explicit default for the first read.
        public subscript(_ key: String, default value: Double) -> Double {
            get { numbers[key] ?? value }
            set { numbers[key] = newValue }
        }

        /// Runs `body` on the named array, created with `count` copies of
        /// `initial` on first use. Mutations happen in place (no copy).
        public mutating func withArray<T>(
            _ key: String, count: Int, initial: Double = 0, _ body: (inout [Double]) throws -> T
        ) rethrows -> T {
            if arrays[key] == nil || arrays[key]!.count != count {
                arrays[key] = Array(repeating: initial, count: count)
            }
            return try body(&arrays[key]!)
        }
    }
}
