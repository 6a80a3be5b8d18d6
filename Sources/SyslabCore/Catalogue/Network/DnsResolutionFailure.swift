/// Name lookups fail or stall when the resolver is unhealthy.
enum DnsResolutionFailure {
    static let failures = MetricSpec.counter(
        "dns_lookup_failures_total", "Name lookups that failed.", labels: ["scenario"])
    static let lookupDuration = MetricSpec.histogram(
        "dns_lookup_duration_seconds", "Time spent resolving names (uncached lookups).", labels: ["scenario"], buckets: LatencyBuckets.seconds)

    static let scenario = Scenario(
        name: "dns-resolution-failure", category: "network",
        summary: "When the cached answer has expired (cache_ttl_seconds), the lookup fails with failure_probability after resolver_timeout_ms (503) or succeeds after lookup_ms and is cached.",
        notes: LearningNotes(
            whatHappens: "Outbound calls need a name lookup. While the cache is fresh nothing happens; when it expires and the resolver is failing, calls stall for the resolver timeout and then fail, often in bursts at TTL boundaries.",
            howToObserve: "dns_lookup_failures_total and long dns_lookup_duration_seconds; errors like EAI_AGAIN / 'temporary failure in name resolution'; failures cluster when the cache expires.",
            howToMitigate: "Cache answers (and serve stale on failure), short resolver timeouts with multiple resolvers, keep long-lived connections, monitor resolver health."),
        parameters: [
            .number("failure_probability", default: 0.1, min: 0, max: 1, help: "Chance that an uncached lookup fails."),
            .integer("resolver_timeout_ms", default: 5_000, min: 0, max: 600_000, unit: "ms", help: "Time a failing lookup takes."),
            .number("lookup_ms", default: 20, min: 0, max: 600_000, unit: "ms", help: "Time a successful uncached lookup takes."),
            .number("cache_ttl_seconds", default: 60, min: 0, max: 86_400, unit: "s", help: "How long a successful answer is cached (0 = never)."),
        ],
        metrics: [failures, lookupDuration],
        effectKinds: [.delay, .error]
    ) { invocation, emit in
        let p = invocation.parameters
        let now = invocation.now
        let fails = invocation.random.nextUnit() < p.double("failure_probability")
        let ttl = p.double("cache_ttl_seconds")
        let cached = invocation.state.transaction { values -> Bool in
            if now < values["cached_until", default: -.infinity] { return true }
            if !fails, ttl > 0 { values["cached_until"] = now + ttl }
            return false
        }
        guard !cached else { return }
        if fails {
            let timeout = Double(p.int("resolver_timeout_ms")) / 1000
            try invocation.metrics.increment(failures.name)
            try invocation.metrics.observe(lookupDuration.name, timeout)
            if timeout > 0 { emit(.delay(seconds: timeout)) }
            emit(.error(status: 503))
        } else {
            let lookup = p.double("lookup_ms") / 1000
            try invocation.metrics.observe(lookupDuration.name, lookup)
            if lookup > 0 { emit(.delay(seconds: lookup)) }
        }
    }
}
