/// Aggregate snapshots are damaged when written or read.
enum SnapshotCorruption {
    static let corrupted = MetricSpec.counter(
        "snapshots_corrupted_total", "Snapshots damaged by the scenario, by phase (write or read).", labels: ["scenario", "phase"])

    static let scenario = Scenario(
        name: "snapshot-corruption", category: "event-sourcing",
        summary: "A fraction corruption_probability of the order store's snapshots is torn: only keep_fraction of its bytes are written (on write) or read back (on read).",
        notes: LearningNotes(
            whatHappens: "A snapshot is a cache of an aggregate's state at a version. A torn write or a bad read hands the store garbage; trusting it would rebuild the order from wrong state and accept commands it should refuse.",
            howToObserve: "snapshots_corrupted_total counts the snapshots damaged; orders_snapshot_corruptions_total counts snapshots whose checksum did not match; orders_replay_duration_seconds shows the full replays that replaced them; commands stay correct but slower.",
            howToMitigate: "Store a checksum with every snapshot and verify it on load, fall back to replaying the event log (the truth), rewrite the snapshot, and alert when corruption recurs (a disk or driver problem)."),
        parameters: [
            .choice("on", default: "write", choices: ["write", "read", "both"], help: "Whether snapshots are damaged when written, when read, or both."),
            .number("corruption_probability", default: 1, min: 0, max: 1, help: "Share of snapshot writes or reads that are damaged."),
            .number("keep_fraction", default: 0.5, min: 0, max: 0.99, help: "Share of the snapshot's bytes that survive."),
        ],
        metrics: [corrupted],
        applicability: Targeting(component: EventSourcingPoints.snapshot),
        effectKinds: [.truncate]
    ) { invocation, emit in
        let p = invocation.parameters
        let route = invocation.context.route
        let phase = route == EventSourcingPoints.snapshotWrite ? "write" : route == EventSourcingPoints.snapshotRead ? "read" : ""
        let on = p.string("on")
        guard !phase.isEmpty, on == "both" || on == phase else { return }
        guard invocation.random.nextUnit() < p.double("corruption_probability") else { return }
        try invocation.metrics.increment(corrupted.name, by: 1, LabelValues(phase))
        emit(.truncate(keeping: p.double("keep_fraction")))
    }
}
