/// An overloaded service queues work up to a limit, then sheds load with 503.
enum Backpressure503 {
    static let queueDepth = MetricSpec.gauge(
        "http_queue_depth", "Requests waiting in the service's queue.", labels: ["scenario"])
    static let rejections = MetricSpec.counter(
        "http_backpressure_rejections_total", "Requests shed with 503 because the queue was full.", labels: ["scenario"])

    static let scenario = Scenario(
        name: "503-backpressure", category: "http",
        summary: "Models a service that completes capacity_rps requests per second: requests queue (and wait) while it is behind; beyond queue_limit they get 503 with Retry-After.",
        notes: LearningNotes(
            whatHappens: "Below capacity nothing happens. Above it the queue grows, so latency climbs first; once the queue is full the service sheds the excess with 503 instead of collapsing.",
            howToObserve: "http_queue_depth rises, resource_wait_seconds grows with it, then http_backpressure_rejections_total counts shed requests (about the excess over capacity).",
            howToMitigate: "Bound queues, shed load early with 503 + Retry-After, have clients back off, autoscale on queue depth, prioritise critical traffic."),
        parameters: [
            .number("capacity_rps", default: 100, min: 0.001, max: 1_000_000, unit: "requests/s", help: "Requests per second the service can complete."),
            .integer("queue_limit", default: 50, min: 0, max: 1_000_000, help: "Requests that may wait before new ones are shed."),
            .number("retry_after_seconds", default: 1, min: 0, max: 3_600, unit: "s", help: "Retry-After sent with the 503."),
        ],
        metrics: [queueDepth, rejections, DomainMetrics.queueWait],
        effectKinds: [.queueWait, .throttle]
    ) { invocation, emit in
        let p = invocation.parameters
        let rate = p.double("capacity_rps")
        let now = invocation.now
        let limit = Double(p.int("queue_limit")) + 1  // the request in service plus the queue
        let (backlog, accepted) = invocation.state.transaction { values in
            DrainingBacklog.arrive(&values, now: now, rate: rate, work: 1, limit: limit)
        }
        try invocation.metrics.set(queueDepth.name, accepted ? backlog + 1 : backlog)
        guard accepted else {
            try invocation.metrics.increment(rejections.name)
            emit(.throttle(status: 503, retryAfter: p.double("retry_after_seconds")))
            return
        }
        let wait = backlog / rate
        try invocation.metrics.observe(DomainMetrics.queueWait.name, wait)
        if wait > 0 { emit(.queueWait(seconds: wait)) }
    }
}
