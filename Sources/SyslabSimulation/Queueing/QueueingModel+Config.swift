import SyslabCore

extension QueueingModel {
    /// Reads a model from configuration:
    ///   {lambda=350, mu=100, servers=4, capacity=10, customers=1000000, seed=1, service="exp"|"det"}
    /// or with explicit distributions: {interarrival={kind=...}, service={kind=...}, ...}.
    /// `c`, `k` and `n` are accepted as the textbook names of servers, capacity and customers.
    public init(config json: JSONValue, path: String = "queue") throws {
        let o = try ConfigObject(json, path: path)
        try o.allowOnly(["lambda", "mu", "servers", "c", "capacity", "k", "customers", "n", "seed", "service", "interarrival"])
        func alias(_ a: String, _ b: String) throws -> String {
            if o.has(a) && o.has(b) { throw SyslabError.invalidArgument("\(path) gives both '\(ErrorText.quoted(a))' and '\(ErrorText.quoted(b))'; they mean the same") }
            return o.has(b) ? b : a
        }
        let servers = try o.integer(try alias("servers", "c"), default: 1, in: 1...1_000_000)
        let capacity = try o.optionalInteger(try alias("capacity", "k"), in: 1...100_000_000)
        let customers = try o.requiredInteger(try alias("customers", "n"), in: 1...QueueingModel.maximumCustomers)
        let seed = try o.optionalSeed() ?? 1

        let interarrival: Distribution
        if o.has("interarrival") {
            if o.has("lambda") { throw SyslabError.invalidArgument("\(path) gives both 'lambda' and 'interarrival'; use one") }
            interarrival = try o.distribution("interarrival", default: .constant(1))
        } else {
            let lambda = try o.optionalNumber("lambda", in: 1e-9...1e12)
            guard let lambda else { throw SyslabError.invalidArgument("\(path) needs 'lambda' (arrivals per second) or 'interarrival'") }
            interarrival = .exponential(mean: 1 / lambda)
        }

        let service: Distribution
        let serviceValue = o.members["service"]
        if case .object? = serviceValue {
            if o.has("mu") { throw SyslabError.invalidArgument("\(path) gives both 'mu' and a service distribution; use one") }
            service = try o.distribution("service", default: .constant(0))
        } else {
            let shape = try o.choice("service", ["exp", "det"], default: "exp")
            guard let mu = try o.optionalNumber("mu", in: 1e-9...1e12) else {
                throw SyslabError.invalidArgument("\(path) needs 'mu' (services per second per server) or a service distribution")
            }
            service = shape == "det" ? .constant(1 / mu) : .exponential(mean: 1 / mu)
        }
        self.init(interarrival: interarrival, service: service, servers: servers, capacity: capacity, customers: customers, seed: seed)
        try validate()
    }
}
