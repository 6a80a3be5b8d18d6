/// Reads are served from a lagging replica or an old cache entry.
enum StaleRead {
    static let scenario = Scenario(
        name: "stale-read", category: "caching",
        summary: "A fraction `probability` of reads return data up to max_staleness_seconds old (uniformly distributed).",
        notes: LearningNotes(
            whatHappens: "A user writes, then reads from a cache or replica that has not caught up and sees the old value: lost edits, double submissions, confused support tickets.",
            howToObserve: "cache_stale_reads_total and data_staleness_seconds; correlate with replication lag or cache TTL; bug reports of 'my change disappeared'.",
            howToMitigate: "Read-your-writes (route a user's reads to the primary after a write, or pin to a session), invalidate caches on write, version values, show data age in the UI."),
        parameters: [
            .number("probability", default: 0.3, min: 0, max: 1, help: "Chance that a read is stale."),
            .number("max_staleness_seconds", default: 30, min: 0, max: 86_400, unit: "s", help: "Oldest data served."),
        ],
        metrics: [DomainMetrics.staleReads, DomainMetrics.staleness],
        effectKinds: [.staleRead]
    ) { invocation, emit in
        let p = invocation.parameters
        guard invocation.random.nextUnit() < p.double("probability") else { return }
        let age = invocation.random.nextUnit() * p.double("max_staleness_seconds")
        try invocation.metrics.increment(DomainMetrics.staleReads.name)
        try invocation.metrics.observe(DomainMetrics.staleness.name, age)
        emit(.staleRead(seconds: age))
    }
}
