/// An invalidation races a concurrent refill and an old value stays cached.
enum CacheInvalidationRace {
    static let races = MetricSpec.counter(
        "cache_invalidation_races_total", "Invalidations lost to a concurrent refill.", labels: ["scenario"])

    static let scenario = Scenario(
        name: "cache-invalidation-race", category: "caching",
        summary: "With race_probability per request, a write's invalidation loses a race with a concurrent read that re-caches the old value; reads then stay stale until key_ttl_seconds later.",
        notes: LearningNotes(
            whatHappens: "Reader: miss, read old row. Writer: update row, delete key. Reader: set key to the old row. The cache now holds stale data until the TTL, however many times users refresh.",
            howToObserve: "cache_invalidation_races_total, then a run of cache_stale_reads_total lasting the TTL; data_staleness_seconds grows during the run.",
            howToMitigate: "Delete-after-write with a short delay (double delete), versioned values with compare-and-set, leases (as in Facebook's memcache), short TTLs as a backstop."),
        parameters: [
            .number("race_probability", default: 0.02, min: 0, max: 1, help: "Chance per request that an invalidation loses the race."),
            .number("key_ttl_seconds", default: 300, min: 0, max: 86_400, unit: "s", help: "How long the stale value stays cached."),
        ],
        metrics: [races, DomainMetrics.staleReads, DomainMetrics.staleness],
        effectKinds: [.staleRead]
    ) { invocation, emit in
        let p = invocation.parameters
        let now = invocation.now
        let raced = invocation.random.nextUnit() < p.double("race_probability")
        let ttl = p.double("key_ttl_seconds")
        let staleSince = invocation.state.transaction { values -> Double? in
            let poisoned = now < values["until", default: -.infinity]
            if raced, !poisoned {
                values["since"] = now
                values["until"] = now + ttl
                return nil  // this request is the writer whose invalidation was lost
            }
            return poisoned ? values["since"] : nil
        }
        if raced { try invocation.metrics.increment(races.name) }
        guard let staleSince else { return }
        let age = now - staleSince
        try invocation.metrics.increment(DomainMetrics.staleReads.name)
        try invocation.metrics.observe(DomainMetrics.staleness.name, age)
        emit(.staleRead(seconds: age))
    }
}
