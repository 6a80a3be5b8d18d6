/// Concurrent updates queue on the same row locks.
enum LockContention {
    static let lockTimeouts = MetricSpec.counter(
        "db_lock_timeouts_total", "Lock waits that hit the lock timeout and failed with 409.", labels: ["scenario"])

    static let scenario = Scenario(
        name: "lock-contention", category: "database",
        summary: "With probability contention_probability the row is locked by another transaction; the request waits an exponential time (mean hold_ms) and fails with 409 beyond lock_timeout_ms.",
        notes: LearningNotes(
            whatHappens: "Hot rows (a counter, an inventory item) serialise writers: each waits for the one before. Waits have a long tail, and some hit the lock timeout.",
            howToObserve: "db_lock_wait_seconds grows a tail; db_lock_timeouts_total counts 409s; pg_locks / SHOW ENGINE INNODB STATUS show waiters.",
            howToMitigate: "Shorten transactions, avoid hot rows (shard counters, batch increments), lock in a consistent order, use SKIP LOCKED for queues, set lock_timeout."),
        parameters: [
            .number("contention_probability", default: 0.3, min: 0, max: 1, help: "Chance the lock is already held, drawn per request."),
            .number("hold_ms", default: 200, min: 0, max: 600_000, unit: "ms", help: "Mean time the other transaction keeps holding it."),
            .integer("lock_timeout_ms", default: 1_000, min: 0, max: 600_000, unit: "ms", help: "Give up after waiting this long."),
        ],
        metrics: [DomainMetrics.lockWait, lockTimeouts],
        effectKinds: [.lockWait, .error]
    ) { invocation, emit in
        let p = invocation.parameters
        guard invocation.random.nextUnit() < p.double("contention_probability") else { return }
        let wait = Distribution.exponential(mean: p.double("hold_ms")).sample(&invocation.random) / 1000
        let timeout = Double(p.int("lock_timeout_ms")) / 1000
        if wait > timeout {
            try invocation.metrics.observe(DomainMetrics.lockWait.name, timeout)
            try invocation.metrics.increment(lockTimeouts.name)
            emit(.lockWait(seconds: timeout))
            emit(.error(status: 409))
        } else {
            try invocation.metrics.observe(DomainMetrics.lockWait.name, wait)
            emit(.lockWait(seconds: wait))
        }
    }
}
