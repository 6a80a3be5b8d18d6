/// A periodic long transaction holds locks other queries need.
enum LongRunningTransaction {
    static let active = MetricSpec.gauge(
        "db_long_transaction_active", "1 while the long transaction holds its locks.", labels: ["scenario"])
    static let blocked = MetricSpec.counter(
        "db_blocked_queries_total", "Queries blocked behind the long transaction.", labels: ["scenario"])

    static let scenario = Scenario(
        name: "long-running-transaction", category: "database",
        summary: "Every interval_seconds a transaction holds locks for duration_seconds; a share blocked_fraction of requests arriving meanwhile wait until it ends, failing with 503 beyond lock_timeout_ms.",
        notes: LearningNotes(
            whatHappens: "A report, migration or forgotten open transaction holds row or table locks; writers touching those rows queue behind it, and connections pile up.",
            howToObserve: "db_long_transaction_active is 1 exactly when db_lock_wait_seconds spikes and db_blocked_queries_total rises; pg_stat_activity shows an old xact_start.",
            howToMitigate: "Keep transactions short, run reports on a replica, use idle_in_transaction_session_timeout and lock_timeout, batch migrations."),
        parameters: [
            .number("interval_seconds", default: 60, min: 0.001, max: 86_400, unit: "s", help: "A long transaction starts this often (the first at enable)."),
            .number("duration_seconds", default: 10, min: 0, max: 86_400, unit: "s", help: "How long it holds its locks."),
            .number("blocked_fraction", default: 0.5, min: 0, max: 1, help: "Share of requests that need the locked rows."),
            .integer("lock_timeout_ms", default: 30_000, min: 0, max: 600_000, unit: "ms", help: "Blocked queries give up after this long."),
        ],
        metrics: [active, blocked, DomainMetrics.lockWait],
        effectKinds: [.lockWait, .error]
    ) { invocation, emit in
        let p = invocation.parameters
        let interval = p.double("interval_seconds"), duration = p.double("duration_seconds")
        let phase = max(0, invocation.elapsed).truncatingRemainder(dividingBy: interval)
        let running = phase < duration
        try invocation.metrics.set(active.name, running ? 1 : 0)
        guard running, invocation.random.nextUnit() < p.double("blocked_fraction") else { return }
        let wait = duration - phase
        let timeout = Double(p.int("lock_timeout_ms")) / 1000
        try invocation.metrics.increment(blocked.name)
        try invocation.metrics.observe(DomainMetrics.lockWait.name, min(wait, timeout))
        if wait > timeout {
            emit(.lockWait(seconds: timeout))
            emit(.error(status: 503))
        } else {
            emit(.lockWait(seconds: wait))
        }
    }
}
