import SyslabCore

/// Independent random streams derived from one seed. Each source of
/// randomness in a model (arrivals, each component's service times, retry
/// jitter, ...) draws from its own stream, so changing one component does not
/// shift the numbers every other component sees, and the same seed always
/// replays the same run.
public struct RandomStreams: Sendable {
    public let seed: UInt64

    public init(seed: UInt64) { self.seed = seed }

    /// Well-known stream numbers; per-component streams start at `components`.
    public enum Purpose: UInt64 {
        case arrivals = 1
        case service = 2
        case workload = 3
        case sampling = 4
        case scenarios = 5
        case components = 1000
    }

    public func stream(_ purpose: Purpose) -> SeededGenerator {
        SeededGenerator(seed: seed, stream: purpose.rawValue)
    }

    /// The stream for component `index` and one of its uses (`slot` < 16).
    public func component(_ index: Int, slot: Int = 0) -> SeededGenerator {
        SeededGenerator(seed: seed, stream: Purpose.components.rawValue + UInt64(index) * 16 + UInt64(slot))
    }
}
