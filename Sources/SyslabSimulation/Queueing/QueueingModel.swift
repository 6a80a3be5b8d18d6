import SyslabCore

/// A single queueing station in Kendall's notation A/S/c/K: arrivals with
/// independent inter-arrival times, `servers` identical servers, FIFO, and an
/// optional capacity K (the total number in the system, those in service
/// included; an arrival that finds K present is blocked and lost).
/// M/M/c is `interarrival: .exponential(mean: 1/λ)`, `service: .exponential(mean: 1/μ)`.
public struct QueueingModel: Sendable, Equatable {
    public var interarrival: Distribution
    public var service: Distribution
    public var servers: Int
    public var capacity: Int?
    /// Arrivals to generate, blocked ones included.
    public var customers: Int
    public var seed: UInt64

    public init(interarrival: Distribution, service: Distribution, servers: Int, capacity: Int? = nil, customers: Int, seed: UInt64) {
        self.interarrival = interarrival; self.service = service; self.servers = servers
        self.capacity = capacity; self.customers = customers; self.seed = seed
    }

    /// M/M/c (or M/D/c with `deterministicService`) from rates per second.
    public static func markovian(
        arrivalRate lambda: Double, serviceRate mu: Double, servers: Int, capacity: Int? = nil,
        customers: Int, seed: UInt64, deterministicService: Bool = false
    ) -> QueueingModel {
        QueueingModel(
            interarrival: .exponential(mean: 1 / lambda),
            service: deterministicService ? .constant(1 / mu) : .exponential(mean: 1 / mu),
            servers: servers, capacity: capacity, customers: customers, seed: seed)
    }

    /// Largest run accepted in one call (keeps a mistyped size from running for hours).
    public static let maximumCustomers = 1_000_000_000

    public func validate() throws {
        guard servers >= 1, servers <= 1_000_000 else {
            throw SyslabError.outOfRange("servers (c) must be in [1, 1000000], got \(servers)")
        }
        if let capacity, capacity < servers {
            throw SyslabError.outOfRange("capacity (K) counts those in service too, so it must be >= servers (\(servers)), got \(capacity)")
        }
        guard customers >= 1, customers <= Self.maximumCustomers else {
            throw SyslabError.outOfRange("customers (n) must be in [1, \(Self.maximumCustomers)], got \(customers)")
        }
        try DistributionCheck.validate(interarrival, name: "interarrival", positiveMean: true)
        try DistributionCheck.validate(service, name: "service", positiveMean: false)
        // An unbounded queue with ρ >= 1 grows without limit: the run would
        // finish, but its "steady state" means would be meaningless.
        if capacity == nil {
            let rho = service.mean / (interarrival.mean * Double(servers))
            guard rho < 1 else {
                throw SyslabError.outOfRange(
                    "utilisation ρ = λ/(cμ) = \(JSONValue.format(number: rho)) must be < 1 for an unbounded queue; add a capacity K or more servers")
            }
        }
    }
}
