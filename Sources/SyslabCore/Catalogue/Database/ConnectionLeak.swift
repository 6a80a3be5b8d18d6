/// Code paths that forget to return connections slowly drain the pool.
enum ConnectionLeak {
    static let leaked = MetricSpec.gauge(
        "connection_pool_leaked_connections", "Connections taken from the pool and never returned.", labels: ["scenario"])

    static let scenario = Scenario(
        name: "connection-leak", category: "database",
        summary: "Each request leaks its connection with leak_probability; the pool of pool_size shrinks (capacity effect) and, once empty, every request waits acquire_timeout_ms and fails with 503.",
        notes: LearningNotes(
            whatHappens: "An error path skips closing the connection. Nothing fails at first; capacity quietly shrinks until the pool is empty and the service stops, and a restart 'fixes' it.",
            howToObserve: "connection_pool_leaked_connections only ever grows; capacity falls; at zero connection_pool_timeouts_total jumps while the database shows idle-in-transaction sessions.",
            howToMitigate: "Always release in finally / with-blocks, enable the pool's leak detection (e.g. HikariCP leakDetectionThreshold), alert on connections held longer than any request."),
        parameters: [
            .number("leak_probability", default: 0.02, min: 0, max: 1, help: "Chance that a request leaks its connection."),
            .integer("pool_size", default: 20, min: 1, max: 100_000, help: "Connections in the pool."),
            .integer("acquire_timeout_ms", default: 1_000, min: 0, max: 600_000, unit: "ms", help: "Wait before failing once the pool is empty."),
        ],
        metrics: [leaked, DomainMetrics.poolTimeouts],
        effectKinds: [.capacity, .queueWait, .error]
    ) { invocation, emit in
        let p = invocation.parameters
        let size = Double(p.int("pool_size"))
        let leaks = invocation.random.nextUnit() < p.double("leak_probability")
        let before = invocation.state.transaction { values -> Double in
            let count = values["leaked"]
            if leaks, count < size { values["leaked"] = count + 1 }
            return count
        }
        try invocation.metrics.set(leaked.name, min(size, before + (leaks ? 1 : 0)))
        if before >= size {
            try invocation.metrics.increment(DomainMetrics.poolTimeouts.name)
            emit(.queueWait(seconds: Double(p.int("acquire_timeout_ms")) / 1000))
            emit(.error(status: 503))
        } else if before > 0 {
            emit(.capacity(fraction: (size - before) / size))
        }
    }
}
