/// A transaction re-runs a range query and sees rows another one inserted.
enum PhantomRead {
    static let phantoms = MetricSpec.counter(
        "db_phantom_reads_total", "Repeated range reads that saw rows appear or vanish.", labels: ["scenario"])
    static let serializationFailures = MetricSpec.counter(
        "db_serialization_failures_total", "Transactions aborted to prevent an anomaly (409).", labels: ["scenario"])

    static let scenario = Scenario(
        name: "phantom-read", category: "concurrency",
        summary: "With phantom_probability a concurrent insert lands in the range a transaction reads twice: read_committed sees 1..max_phantom_rows phantom rows, repeatable_read (snapshot) does not, serializable aborts with 409.",
        notes: LearningNotes(
            whatHappens: "Under READ COMMITTED each statement sees the latest committed data, so a check-then-act transaction (count bookings, then insert one) decides on data that changes under it.",
            howToObserve: "db_phantom_reads_total at read_committed; zero at repeatable_read; db_serialization_failures_total at serializable, where the application must retry.",
            howToMitigate: "Pick the isolation level the invariant needs (SERIALIZABLE or snapshot plus explicit locks), use constraints (unique, exclusion) the database enforces, retry serialization failures."),
        parameters: [
            .number("phantom_probability", default: 0.1, min: 0, max: 1, help: "Chance that a concurrent insert hits the range."),
            .choice("isolation", default: "read_committed", choices: ["read_committed", "repeatable_read", "serializable"], help: "Transaction isolation level."),
            .integer("max_phantom_rows", default: 5, min: 1, max: 10_000, help: "Most phantom rows one re-read can see."),
        ],
        metrics: [phantoms, serializationFailures],
        effectKinds: [.inconsistentRead, .error]
    ) { invocation, emit in
        let p = invocation.parameters
        guard invocation.random.nextUnit() < p.double("phantom_probability") else { return }
        switch p.string("isolation") {
        case "serializable":
            try invocation.metrics.increment(serializationFailures.name)
            emit(.error(status: 409))
        case "repeatable_read":
            return  // the snapshot hides the insert
        default:
            let rows = 1 + (invocation.random.nextUnit() * Double(p.int("max_phantom_rows"))).rounded(.down)
            try invocation.metrics.increment(phantoms.name)
            emit(.inconsistentRead(rows: min(rows, Double(p.int("max_phantom_rows")))))
        }
    }
}
