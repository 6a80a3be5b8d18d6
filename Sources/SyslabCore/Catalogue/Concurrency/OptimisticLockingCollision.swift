#if canImport(Glibc)
import Glibc
#endif

/// Version checks fail when many writers update the same hot rows.
enum OptimisticLockingCollision {
    static let conflicts = MetricSpec.counter(
        "db_optimistic_lock_conflicts_total", "Attempts whose version check failed.", labels: ["scenario"])

    /// Chance that one of the other writers touches the same row: 1 - (1 - 1/rows)^(writers - 1).
    static func collisionProbability(writers: Int, hotRows: Int) -> Double {
        1 - pow(1 - 1 / Double(hotRows), Double(writers - 1))
    }

    static let scenario = Scenario(
        name: "optimistic-locking-collision", category: "concurrency",
        summary: "concurrent_writers update hot_rows rows; an attempt collides with probability 1 - (1 - 1/hot_rows)^(writers - 1), is retried (retry_ms each) up to max_retries times, and fails with 409 after that.",
        notes: LearningNotes(
            whatHappens: "Optimistic locking is cheap when conflicts are rare; on a few hot rows with many writers most attempts fail their version check and retry, wasting work and adding latency.",
            howToObserve: "db_optimistic_lock_conflicts_total per request rises with writers / rows; db_transaction_retries_total and 409s follow.",
            howToMitigate: "Spread hot rows (sharded counters), switch hot paths to pessimistic locks or atomic updates, queue writes per key, back off with jitter between retries."),
        parameters: [
            .integer("concurrent_writers", default: 10, min: 1, max: 100_000, help: "Writers active at the same time."),
            .integer("hot_rows", default: 100, min: 1, max: 1_000_000_000, help: "Rows they update."),
            .integer("max_retries", default: 3, min: 0, max: 20, help: "Retries after a failed version check."),
            .number("retry_ms", default: 10, min: 0, max: 60_000, unit: "ms", help: "Time one retry costs."),
        ],
        metrics: [conflicts, DomainMetrics.transactionRetries],
        effectKinds: [.retry, .error]
    ) { invocation, emit in
        let p = invocation.parameters
        let chance = collisionProbability(writers: p.int("concurrent_writers"), hotRows: p.int("hot_rows"))
        let maxRetries = p.int("max_retries")
        var collisions = 0
        while collisions <= maxRetries, invocation.random.nextUnit() < chance { collisions += 1 }
        guard collisions > 0 else { return }
        let retries = min(collisions, maxRetries)
        try invocation.metrics.increment(conflicts.name, by: Double(collisions))
        if retries > 0 {
            try invocation.metrics.increment(DomainMetrics.transactionRetries.name, by: Double(retries))
            emit(.retry(attempts: Double(retries), seconds: Double(retries) * p.double("retry_ms") / 1000))
        }
        if collisions > maxRetries { emit(.error(status: 409)) }
    }
}
