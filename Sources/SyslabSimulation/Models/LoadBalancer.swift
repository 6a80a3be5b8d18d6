import SyslabCore

/// Picks one of a node's outgoing edges per request, instead of calling all
/// of them: a load balancer in front of replicas.
public enum BalancePolicy: String, Sendable, CaseIterable {
    case roundRobin = "round-robin"
    case leastConnections = "least-connections"
    case random
}

public struct LoadBalancer {
    public let policy: BalancePolicy
    private var nextIndex = 0

    public init(_ policy: BalancePolicy) { self.policy = policy }

    /// The position in `choices` to call. `active(i)` gives the calls in
    /// flight through choice i (for least-connections; ties go to the first).
    @inline(__always)
    public mutating func choose(count: Int, _ rng: inout SeededGenerator, active: (Int) -> Int) -> Int {
        switch policy {
        case .roundRobin:
            let i = nextIndex % count
            nextIndex = (nextIndex + 1) % count
            return i
        case .random:
            return Int(rng.nextUnit() * Double(count))
        case .leastConnections:
            var best = 0, bestActive = Int.max
            // Start after the last pick so ties rotate instead of piling on the first.
            for k in 0..<count {
                let i = (nextIndex + k) % count
                let a = active(i)
                if a < bestActive { best = i; bestActive = a }
            }
            nextIndex = (best + 1) % count
            return best
        }
    }
}
