/// Two read-modify-write cycles interleave and one update is lost.
enum DoubleWrite {
    static let lostUpdates = MetricSpec.counter(
        "db_lost_updates_total", "Writes silently overwritten by a concurrent writer.", labels: ["scenario"])
    static let conflicts = MetricSpec.counter(
        "db_write_conflicts_total", "Concurrent writes detected and rejected (409).", labels: ["scenario"])

    static let scenario = Scenario(
        name: "double-write", category: "concurrency",
        summary: "A write overlaps another writer with collision_probability. With protection none the update is lost; optimistic rejects it with 409; pessimistic makes it wait lock_hold_ms.",
        notes: LearningNotes(
            whatHappens: "Two requests read the same row, change it and write it back; the second write erases the first (a lost update). Users see edits vanish, counters undercount, balances drift.",
            howToObserve: "Without protection nothing errors: only db_lost_updates_total (and wrong data) shows it. With optimistic locking db_write_conflicts_total counts 409s; with pessimistic locking db_lock_wait_seconds grows.",
            howToMitigate: "Atomic updates (SET x = x + 1), optimistic concurrency with a version column and retry, SELECT ... FOR UPDATE, or idempotent, commutative operations."),
        parameters: [
            .number("collision_probability", default: 0.1, min: 0, max: 1, help: "Chance that another writer interleaves."),
            .choice("protection", default: "none", choices: ["none", "optimistic", "pessimistic"], help: "Concurrency control in place."),
            .number("lock_hold_ms", default: 50, min: 0, max: 600_000, unit: "ms", help: "Wait for the other writer's lock (pessimistic)."),
        ],
        metrics: [lostUpdates, conflicts, DomainMetrics.lockWait],
        effectKinds: [.lostWrite, .error, .lockWait]
    ) { invocation, emit in
        let p = invocation.parameters
        guard invocation.random.nextUnit() < p.double("collision_probability") else { return }
        switch p.string("protection") {
        case "optimistic":
            try invocation.metrics.increment(conflicts.name)
            emit(.error(status: 409))
        case "pessimistic":
            let wait = p.double("lock_hold_ms") / 1000
            try invocation.metrics.observe(DomainMetrics.lockWait.name, wait)
            emit(.lockWait(seconds: wait))
        default:
            try invocation.metrics.increment(lostUpdates.name)
            emit(.lostWrite)
        }
    }
}
