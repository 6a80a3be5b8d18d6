#if canImport(Glibc)
import Glibc
#endif

/// The cache starts cold because the warm-up job failed.
enum CacheWarmingFailure {
    static let hitRatio = MetricSpec.gauge(
        "cache_hit_ratio", "Current probability that a lookup hits.", labels: ["scenario"])

    static let scenario = Scenario(
        name: "cache-warming-failure", category: "caching",
        summary: "After enabling, the hit ratio starts at preload_fraction x target_hit_ratio and approaches target_hit_ratio with time constant fill_seconds; each miss costs backend_ms.",
        notes: LearningNotes(
            whatHappens: "The preload that should fill the cache at startup failed, so every request misses and goes to the backend until organic traffic refills it: a deploy or failover turns into a backend overload.",
            howToObserve: "cache_hit_ratio starts near zero and climbs; cache_miss_total and backend latency are high right after enabling.",
            howToMitigate: "Make warm-up part of readiness, alert when it fails, warm from a snapshot or a peer, shift traffic gradually to new cache nodes."),
        parameters: [
            .number("target_hit_ratio", default: 0.9, min: 0, max: 1, help: "Hit ratio of a warm cache."),
            .number("fill_seconds", default: 120, min: 0.001, max: 86_400, unit: "s", help: "Time constant of organic refilling."),
            .number("preload_fraction", default: 0, min: 0, max: 1, help: "Share of the warm-up that still succeeded (0 = it failed completely)."),
            .number("backend_ms", default: 50, min: 0, max: 600_000, unit: "ms", help: "Extra latency of a miss."),
        ],
        metrics: [hitRatio, DomainMetrics.cacheMisses, DomainMetrics.cacheHits],
        effectKinds: [.cacheMiss, .delay]
    ) { invocation, emit in
        let p = invocation.parameters
        let cold = (1 - p.double("preload_fraction")) * exp(-max(0, invocation.elapsed) / p.double("fill_seconds"))
        let ratio = p.double("target_hit_ratio") * (1 - cold)
        try invocation.metrics.set(hitRatio.name, ratio)
        guard invocation.random.nextUnit() >= ratio else {
            try invocation.metrics.increment(DomainMetrics.cacheHits.name)
            return
        }
        try invocation.metrics.increment(DomainMetrics.cacheMisses.name)
        emit(.cacheMiss)
        let backend = p.double("backend_ms") / 1000
        if backend > 0 { emit(.delay(seconds: backend)) }
    }
}
