/// Worker threads block on a slow dependency until none are left.
enum ThreadPoolExhaustion {
    static let activeThreads = MetricSpec.gauge(
        "thread_pool_active_threads", "Worker threads busy when the last request arrived.", labels: ["scenario"])
    static let queueWait = MetricSpec.histogram(
        "thread_pool_queue_wait_seconds", "Time requests waited for a free worker thread.", labels: ["scenario"], buckets: LatencyBuckets.seconds)
    static let rejections = MetricSpec.counter(
        "thread_pool_rejections_total", "Requests rejected after waiting queue_timeout_ms for a thread.", labels: ["scenario"])

    static let scenario = Scenario(
        name: "thread-pool-exhaustion", category: "resources",
        summary: "Each request blocks one of `threads` workers for blocking_ms on a slow call; requests wait for a free worker and get 503 after queue_timeout_ms.",
        notes: LearningNotes(
            whatHappens: "Blocking I/O in a fixed thread pool caps throughput at threads / blocking time. Above it, requests queue and then time out, even though CPU is idle.",
            howToObserve: "thread_pool_active_threads stays at `threads`, thread_pool_queue_wait_seconds grows, thread_pool_rejections_total counts 503s; thread dumps show everyone waiting on the same call.",
            howToMitigate: "Timeouts on the blocking call, bulkheads (a separate pool per dependency), non-blocking I/O, size the pool from throughput x blocking time."),
        parameters: [
            .integer("threads", default: 8, min: 1, max: 1_000, help: "Worker threads."),
            .number("blocking_ms", default: 500, min: 0.001, max: 600_000, unit: "ms", help: "Time each request blocks its thread."),
            .integer("queue_timeout_ms", default: 2_000, min: 0, max: 600_000, unit: "ms", help: "Give up waiting for a thread after this long."),
        ],
        metrics: [activeThreads, queueWait, rejections],
        effectKinds: [.queueWait, .delay, .error]
    ) { invocation, emit in
        let p = invocation.parameters
        let threads = p.int("threads"), now = invocation.now
        let blocking = p.double("blocking_ms") / 1000, timeout = Double(p.int("queue_timeout_ms")) / 1000
        let (wait, busy) = invocation.state.transaction { values in
            SlotPool.acquire(&values, size: threads, now: now, hold: blocking, timeout: timeout)
        }
        try invocation.metrics.set(activeThreads.name, Double(busy))
        guard let wait else {
            try invocation.metrics.observe(queueWait.name, timeout)
            try invocation.metrics.increment(rejections.name)
            emit(.queueWait(seconds: timeout))
            emit(.error(status: 503))
            return
        }
        try invocation.metrics.observe(queueWait.name, wait)
        if wait > 0 { emit(.queueWait(seconds: wait)) }
        emit(.delay(seconds: blocking))
    }
}
