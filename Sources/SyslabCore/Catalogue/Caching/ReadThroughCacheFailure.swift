/// The cache in front of the database fails; reads fall back or fail.
enum ReadThroughCacheFailure {
    static let cacheErrors = MetricSpec.counter(
        "cache_errors_total", "Cache calls that failed or timed out.", labels: ["scenario"])
    static let fallbackQueries = MetricSpec.counter(
        "cache_fallback_queries_total", "Reads sent straight to the database because the cache failed.", labels: ["scenario"])

    static let scenario = Scenario(
        name: "read-through-cache-failure", category: "caching",
        summary: "A fraction failure_probability of cache calls time out after cache_timeout_ms; with fallback database the read goes to the database (database_ms more), with fallback error it fails with 503.",
        notes: LearningNotes(
            whatHappens: "The cache is supposed to absorb reads. When it fails, either every read lands on a database sized for the cache's miss rate, or users get errors.",
            howToObserve: "cache_errors_total rises; with fallback database cache_fallback_queries_total mirrors it and database load jumps; with fallback error the 503 rate does.",
            howToMitigate: "Short cache timeouts, a circuit breaker around the cache, limit fallback concurrency to protect the database, replicated caches."),
        parameters: [
            .number("failure_probability", default: 0.2, min: 0, max: 1, help: "Chance that a cache call fails."),
            .integer("cache_timeout_ms", default: 100, min: 0, max: 600_000, unit: "ms", help: "Time wasted on the failing cache call."),
            .choice("fallback", default: "database", choices: ["database", "error"], help: "What the application does when the cache fails."),
            .number("database_ms", default: 20, min: 0, max: 600_000, unit: "ms", help: "Latency of the fallback database read."),
        ],
        metrics: [cacheErrors, fallbackQueries, DomainMetrics.cacheMisses],
        effectKinds: [.cacheMiss, .delay, .error]
    ) { invocation, emit in
        let p = invocation.parameters
        guard invocation.random.nextUnit() < p.double("failure_probability") else { return }
        try invocation.metrics.increment(cacheErrors.name)
        let timeout = Double(p.int("cache_timeout_ms")) / 1000
        if p.string("fallback") == "error" {
            if timeout > 0 { emit(.delay(seconds: timeout)) }
            emit(.error(status: 503))
        } else {
            try invocation.metrics.increment(fallbackQueries.name)
            try invocation.metrics.increment(DomainMetrics.cacheMisses.name)
            emit(.cacheMiss)
            let total = timeout + p.double("database_ms") / 1000
            if total > 0 { emit(.delay(seconds: total)) }
        }
    }
}
