/// A hot key expires and every concurrent request recomputes it at once.
enum CacheStampede {
    static let backendQueries = MetricSpec.counter(
        "cache_backend_queries_total", "Queries sent to the backend to recompute cached values.", labels: ["scenario"])

    static let scenario = Scenario(
        name: "cache-stampede", category: "caching",
        summary: "A hot key expires every key_ttl_seconds; for recompute_ms afterwards requests miss. With protection none each one recomputes (the herd); single_flight lets one recompute while others wait; stale_while_revalidate serves the old value.",
        notes: LearningNotes(
            whatHappens: "When a popular entry expires, every request in the recompute window misses at once and sends the same expensive query to the backend: a thundering herd that can take the database down.",
            howToObserve: "cache_backend_queries_total spikes every key_ttl_seconds (one per request in the window without protection, one per window with it); cache_miss_total against cache_hit_total shows the dip.",
            howToMitigate: "Request coalescing (single flight / a lock per key), stale-while-revalidate, probabilistic early expiration, jittered TTLs."),
        parameters: [
            .number("key_ttl_seconds", default: 60, min: 0.001, max: 86_400, unit: "s", help: "TTL of the hot key (it first expires at enable)."),
            .number("recompute_ms", default: 500, min: 0.001, max: 600_000, unit: "ms", help: "Time to recompute the value from the backend."),
            .choice("protection", default: "none", choices: ["none", "single_flight", "stale_while_revalidate"], help: "How concurrent misses are handled."),
        ],
        metrics: [DomainMetrics.cacheMisses, DomainMetrics.cacheHits, backendQueries],
        effectKinds: [.cacheMiss, .delay, .staleRead]
    ) { invocation, emit in
        let p = invocation.parameters
        let ttl = p.double("key_ttl_seconds"), recompute = p.double("recompute_ms") / 1000
        let elapsed = max(0, invocation.elapsed)
        let phase = elapsed.truncatingRemainder(dividingBy: ttl)
        guard phase < recompute else {
            try invocation.metrics.increment(DomainMetrics.cacheHits.name)
            return
        }
        let window = (elapsed / ttl).rounded(.down)
        let protection = p.string("protection")
        // The first request of a window leads the recompute when protected.
        let leads = invocation.state.transaction { values -> Bool in
            let first = values["window", default: -1] != window
            values["window"] = window
            return first
        }
        if protection == "stale_while_revalidate" {
            if leads { try invocation.metrics.increment(backendQueries.name) }
            try invocation.metrics.increment(DomainMetrics.cacheHits.name)
            emit(.staleRead(seconds: ttl + phase))
            return
        }
        try invocation.metrics.increment(DomainMetrics.cacheMisses.name)
        emit(.cacheMiss)
        if protection == "single_flight", !leads {
            emit(.delay(seconds: recompute - phase))  // wait for the leader's result
        } else {
            try invocation.metrics.increment(backendQueries.name)
            emit(.delay(seconds: recompute))
        }
    }
}
