/// Writes are acknowledged by the cache and flushed to the database later.
enum WriteBehindCacheLag {
    static let backlog = MetricSpec.gauge(
        "write_behind_backlog", "Writes acknowledged but not yet flushed to the database.", labels: ["scenario"])
    static let lag = MetricSpec.histogram(
        "write_behind_lag_seconds", "Time until a write reaches the database.", labels: ["scenario"], buckets: StalenessBuckets.seconds)
    static let dropped = MetricSpec.counter(
        "write_behind_dropped_writes_total", "Writes lost because the write-behind queue was full.", labels: ["scenario"])

    static let scenario = Scenario(
        name: "write-behind-cache-lag", category: "caching",
        summary: "Each request is a write queued for a flusher that runs every flush_interval_seconds at flush_rate_per_second; the database lags by the queue, and beyond max_backlog writes are lost.",
        notes: LearningNotes(
            whatHappens: "Write-behind makes writes fast, but the database (and anything reading it: reports, other services) sees them late; when writes outpace the flusher the lag grows without bound, and a full queue or a crash loses data.",
            howToObserve: "write_behind_backlog grows when the write rate exceeds flush_rate_per_second; write_behind_lag_seconds follows; write_behind_dropped_writes_total counts losses.",
            howToMitigate: "Size the flusher for peak write rate, bound and alert on the queue, persist the queue (a log), read from the cache for read-your-writes."),
        parameters: [
            .number("flush_rate_per_second", default: 100, min: 0.001, max: 10_000_000, unit: "writes/s", help: "Writes the flusher persists per second."),
            .number("flush_interval_seconds", default: 5, min: 0, max: 3_600, unit: "s", help: "Delay before a queued write is picked up."),
            .integer("max_backlog", default: 10_000, min: 1, max: 100_000_000, help: "Queue capacity; writes beyond it are lost."),
        ],
        metrics: [backlog, lag, dropped, DomainMetrics.staleReads],
        effectKinds: [.staleRead, .lostWrite]
    ) { invocation, emit in
        let p = invocation.parameters
        let rate = p.double("flush_rate_per_second"), now = invocation.now
        let limit = Double(p.int("max_backlog"))
        let (queued, accepted) = invocation.state.transaction { values in
            DrainingBacklog.arrive(&values, now: now, rate: rate, work: 1, limit: limit)
        }
        try invocation.metrics.set(backlog.name, accepted ? queued + 1 : queued)
        guard accepted else {
            try invocation.metrics.increment(dropped.name)
            emit(.lostWrite)
            return
        }
        let seconds = p.double("flush_interval_seconds") + (queued + 1) / rate
        try invocation.metrics.observe(lag.name, seconds)
        try invocation.metrics.increment(DomainMetrics.staleReads.name)
        emit(.staleRead(seconds: seconds))
    }
}
