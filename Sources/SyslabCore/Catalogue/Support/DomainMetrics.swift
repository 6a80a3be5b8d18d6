/// Metric specs several scenarios share. A name is declared once with one
/// type, label set and bucket layout; scenarios that observe the same thing
/// (injected latency, lock waits, cache misses) reuse these.
enum DomainMetrics {
    static let injectedLatency = MetricSpec.histogram(
        "http_injected_latency_seconds", "Latency injected into requests by scenarios.",
        labels: ["scenario"], buckets: LatencyBuckets.seconds)
    static let injectedErrors = MetricSpec.counter(
        "http_injected_errors_total", "Requests failed by scenarios, by HTTP status.", labels: ["scenario", "status"])
    static let clientTimeouts = MetricSpec.counter(
        "http_client_timeouts_total", "Requests whose caller gave up at its timeout.", labels: ["scenario"])
    static let dbQueryDuration = MetricSpec.histogram(
        "db_query_duration_seconds", "Duration of database queries slowed by scenarios.",
        labels: ["scenario"], buckets: LatencyBuckets.seconds)
    static let lockWait = MetricSpec.histogram(
        "db_lock_wait_seconds", "Time spent waiting for database locks.", labels: ["scenario"], buckets: LatencyBuckets.seconds)
    static let transactionRetries = MetricSpec.counter(
        "db_transaction_retries_total", "Transactions retried after a deadlock or a conflict.", labels: ["scenario"])
    static let poolTimeouts = MetricSpec.counter(
        "connection_pool_timeouts_total", "Requests that gave up waiting for a pooled connection.", labels: ["scenario"])
    static let cacheMisses = MetricSpec.counter(
        "cache_miss_total", "Cache lookups that missed.", labels: ["scenario"])
    static let cacheHits = MetricSpec.counter(
        "cache_hit_total", "Cache lookups that hit.", labels: ["scenario"])
    static let staleReads = MetricSpec.counter(
        "cache_stale_reads_total", "Reads served data older than the latest write.", labels: ["scenario"])
    static let staleness = MetricSpec.histogram(
        "data_staleness_seconds", "Age of stale data served to readers.", labels: ["scenario"], buckets: StalenessBuckets.seconds)
    static let rateLimitRejections = MetricSpec.counter(
        "rate_limit_rejections_total", "Requests rejected by a rate limit.", labels: ["scenario"])
    static let rateLimitRemaining = MetricSpec.gauge(
        "rate_limit_remaining", "Requests the rate limit still admits right now.", labels: ["scenario"])
    static let cpuInjected = MetricSpec.counter(
        "cpu_injected_seconds_total", "CPU time scenarios asked hosts to burn.", labels: ["scenario"])
    static let queueWait = MetricSpec.histogram(
        "resource_wait_seconds", "Time requests waited for a saturated resource.", labels: ["scenario"], buckets: LatencyBuckets.seconds)
}

/// Histogram buckets for counts per request (queries, attempts, tasks).
enum CountBuckets {
    static let perRequest: [Double] = [1, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000, 10_000]
}

/// Histogram buckets for data age in seconds.
enum StalenessBuckets {
    static let seconds: [Double] = [0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600]
}

/// Histogram buckets for fractions in [0, 1].
enum FractionBuckets {
    static let ratio: [Double] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]
}
