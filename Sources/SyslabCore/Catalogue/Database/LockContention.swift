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
        effectKinds: [.lockWait, .error],
        compile: { try Program($0) }
    )

    /// Typed parameters and series, resolved at enable.
    final class Program: ScenarioProgram, @unchecked Sendable {
        let probability: Double
        let hold: Distribution
        let timeout: Double
        let waits: MetricSeries?
        let timeouts: MetricSeries?

        init(_ activation: ScenarioActivation) throws {
            let p = activation.parameters
            probability = p.double("contention_probability")
            hold = .exponential(mean: p.double("hold_ms"))
            timeout = Double(p.int("lock_timeout_ms")) / 1000
            waits = try activation.series(DomainMetrics.lockWait)
            timeouts = try activation.series(lockTimeouts)
        }

        override var readsTime: Bool { false }

        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            guard request.random.nextUnit() < probability else { return }
            let wait = hold.sample(&request.random) / 1000
            if wait > timeout {
                waits?.observe(timeout, shard: request.shard)
                timeouts?.add(1, shard: request.shard)
                emit(.lockWait(seconds: timeout))
                emit(.error(status: 409))
            } else {
                waits?.observe(wait, shard: request.shard)
                emit(.lockWait(seconds: wait))
            }
        }
    }
}
