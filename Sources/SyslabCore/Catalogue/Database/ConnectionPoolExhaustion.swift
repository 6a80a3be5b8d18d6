/// Requests queue for a small connection pool.
enum ConnectionPoolExhaustion {
    static let poolWait = MetricSpec.histogram(
        "connection_pool_wait_seconds", "Time spent waiting for a connection from the pool.", labels: ["scenario"], buckets: LatencyBuckets.seconds)
    static let inUse = MetricSpec.gauge(
        "connection_pool_in_use", "Connections busy when the last request arrived.", labels: ["scenario"])

    static let scenario = Scenario(
        name: "connection-pool-exhaustion", category: "database",
        summary: "Models a pool of pool_size connections each held hold_ms per request: requests wait for a free one, and fail with 503 after acquire_timeout_ms.",
        notes: LearningNotes(
            whatHappens: "A pool serves at most pool_size / hold requests per second. Above that, requests queue for a connection, latency climbs, and beyond the acquire timeout they fail.",
            howToObserve: "connection_pool_in_use sits at pool_size, connection_pool_wait_seconds grows, connection_pool_timeouts_total counts failures while the database itself looks idle.",
            howToMitigate: "Size the pool from throughput x hold time (Little's law), shorten the time connections are held (no remote calls inside transactions), add a bounded queue and fail fast."),
        parameters: [
            .integer("pool_size", default: 10, min: 1, max: 1_000, help: "Connections in the pool."),
            .number("hold_ms", default: 100, min: 0.001, max: 600_000, unit: "ms", help: "How long each request holds its connection."),
            .integer("acquire_timeout_ms", default: 1_000, min: 0, max: 600_000, unit: "ms", help: "Give up waiting for a connection after this long."),
        ],
        metrics: [poolWait, inUse, DomainMetrics.poolTimeouts],
        effectKinds: [.queueWait, .error]
    ) { invocation, emit in
        let p = invocation.parameters
        let size = p.int("pool_size"), now = invocation.now
        let hold = p.double("hold_ms") / 1000, timeout = Double(p.int("acquire_timeout_ms")) / 1000
        let (wait, busy) = invocation.state.transaction { values in
            SlotPool.acquire(&values, size: size, now: now, hold: hold, timeout: timeout)
        }
        try invocation.metrics.set(inUse.name, Double(busy))
        guard let wait else {
            try invocation.metrics.observe(poolWait.name, timeout)
            try invocation.metrics.increment(DomainMetrics.poolTimeouts.name)
            emit(.queueWait(seconds: timeout))
            emit(.error(status: 503))
            return
        }
        try invocation.metrics.observe(poolWait.name, wait)
        if wait > 0 { emit(.queueWait(seconds: wait)) }
    }
}
