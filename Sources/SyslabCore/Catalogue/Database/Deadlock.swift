/// Two transactions lock rows in opposite orders; the database aborts one.
enum Deadlock {
    static let deadlocks = MetricSpec.counter(
        "db_deadlocks_total", "Transactions aborted as deadlock victims.", labels: ["scenario"])

    static let scenario = Scenario(
        name: "deadlock", category: "database",
        summary: "Each transaction attempt deadlocks with `probability`; the database detects it after detection_ms and aborts it; the application retries up to max_retries times, then fails with 500.",
        notes: LearningNotes(
            whatHappens: "Transactions that take the same locks in different orders wait on each other until the detector (deadlock_timeout) aborts one; retries usually succeed but add latency.",
            howToObserve: "db_deadlocks_total and db_transaction_retries_total rise; db_lock_wait_seconds shows waits of about detection_ms; the database log names both statements.",
            howToMitigate: "Take locks in a consistent order, keep transactions short, retry deadlock victims (SQLSTATE 40P01) with backoff, use SELECT ... FOR UPDATE in key order."),
        parameters: [
            .number("probability", default: 0.05, min: 0, max: 1, help: "Chance that one attempt deadlocks."),
            .integer("detection_ms", default: 1_000, min: 0, max: 600_000, unit: "ms", help: "How long a deadlock lasts before the database breaks it."),
            .integer("max_retries", default: 2, min: 0, max: 10, help: "Retries of a deadlocked transaction before failing."),
        ],
        metrics: [deadlocks, DomainMetrics.transactionRetries, DomainMetrics.lockWait],
        effectKinds: [.lockWait, .retry, .error]
    ) { invocation, emit in
        let p = invocation.parameters
        let probability = p.double("probability"), retries = p.int("max_retries")
        var victims = 0
        while victims <= retries, invocation.random.nextUnit() < probability { victims += 1 }
        guard victims > 0 else { return }
        let wait = Double(victims) * Double(p.int("detection_ms")) / 1000
        let retried = min(victims, retries)
        try invocation.metrics.increment(deadlocks.name, by: Double(victims))
        try invocation.metrics.observe(DomainMetrics.lockWait.name, wait)
        emit(.lockWait(seconds: wait))
        if retried > 0 {
            try invocation.metrics.increment(DomainMetrics.transactionRetries.name, by: Double(retried))
            emit(.retry(attempts: Double(retried), seconds: 0))
        }
        if victims > retries { emit(.error(status: 500)) }
    }
}
