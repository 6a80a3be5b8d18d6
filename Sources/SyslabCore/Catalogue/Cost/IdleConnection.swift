/// Connection pools that hold far more connections than they use.
enum IdleConnection {
    static let idle = MetricSpec.gauge(
        "db_idle_connections", "Connections the service's pools hold open without using them.", labels: ["scenario"])
    static let idleMemory = MetricSpec.gauge(
        "db_idle_connection_memory_bytes", "Database memory the idle connections take.", labels: ["scenario"])

    static let scenario = Scenario(
        name: "idle-connection", category: "cost",
        summary: "`instances` service instances each keep a pool of pool_size connections but use active_connections; when the pools together ask for more than db_max_connections, each instance gets only its share, and requests see the pool shrunk to that fraction (capacity). The idle connections and the database memory they hold are exported.",
        notes: LearningNotes(
            whatHappens: "Each open connection costs the database a backend process and megabytes of memory, used or not. Pools sized for the peak on every instance, multiplied by autoscaling, exhaust max_connections and force a bigger (more expensive) database while most connections sit idle.",
            howToObserve: "db_idle_connections and db_idle_connection_memory_bytes against the database's memory; simulator_injections_total{effect=\"capacity\"} and pool waits once the pools are oversubscribed.",
            howToMitigate: "Size pools from measured concurrency (Little's law), set idle timeouts and a minimum idle of zero, put a pooler (PgBouncer, RDS Proxy) between many instances and the database."),
        parameters: [
            .integer("instances", default: 5, min: 1, max: 10_000, help: "Service instances, each with its own pool."),
            .integer("pool_size", default: 50, min: 1, max: 10_000, help: "Connections each pool keeps open."),
            .integer("active_connections", default: 8, min: 0, max: 10_000, help: "Connections each instance actually uses at a time."),
            .integer("db_max_connections", default: 200, min: 1, max: 1_000_000, help: "The database's connection limit."),
            .integer("connection_memory_bytes", default: 10_485_760, min: 0, max: 1_073_741_824, unit: "bytes", help: "Database memory per connection."),
        ],
        metrics: [idle, idleMemory],
        effectKinds: [.capacity],
        compile: { activation in
            let p = activation.parameters
            let instances = p.int("instances"), pool = p.int("pool_size")
            let idleCount = instances * max(0, pool - min(pool, p.int("active_connections")))
            activation.publishOnInstall(idle, .none, Double(idleCount))
            activation.publishOnInstall(idleMemory, .none, Double(idleCount) * Double(p.int("connection_memory_bytes")))
            let share = Double(p.int("db_max_connections")) / Double(instances)
            return Program(fraction: min(1, share / Double(pool)))
        }
    )

    final class Program: ScenarioProgram, @unchecked Sendable {
        let fraction: Double
        init(fraction: Double) { self.fraction = fraction }
        override var readsTime: Bool { false }
        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            if fraction < 1 { emit(.capacity(fraction: fraction)) }
        }
    }
}
