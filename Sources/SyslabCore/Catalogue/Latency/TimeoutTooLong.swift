/// A generous timeout lets calls to a hung dependency hold workers for long.
enum TimeoutTooLong {
    static let stuckWorkers = MetricSpec.gauge(
        "http_workers_stuck", "Workers currently held by calls waiting on a hung dependency.", labels: ["scenario"])
    static let rejections = MetricSpec.counter(
        "http_worker_exhaustion_rejections_total", "Requests rejected because every worker was stuck.", labels: ["scenario"])

    static let scenario = Scenario(
        name: "timeout-too-long", category: "latency",
        summary: "A fraction hang_probability of calls hang until the caller's long timeout_ms; each holds one of `workers` workers meanwhile, and when all are held new requests get 503.",
        notes: LearningNotes(
            whatHappens: "A hung dependency does not fail fast: each call holds a worker for the whole timeout. A small hang rate times a long timeout exhausts the worker pool and the whole service stops answering.",
            howToObserve: "http_workers_stuck climbs towards `workers`; then http_worker_exhaustion_rejections_total rises and healthy routes fail too.",
            howToMitigate: "Timeouts close to the dependency's p99.9, bulkheads (a separate pool per dependency), circuit breakers, and fail-fast when the pool is saturated."),
        parameters: [
            .number("hang_probability", default: 0.05, min: 0, max: 1, help: "Chance that a call hangs, drawn per request."),
            .integer("timeout_ms", default: 30_000, min: 1, max: 600_000, unit: "ms", help: "The caller's (too long) timeout."),
            .integer("workers", default: 50, min: 1, max: 1_000, help: "Workers (threads, connections) a hung call can hold."),
        ],
        metrics: [stuckWorkers, rejections],
        effectKinds: [.hang, .error]
    ) { invocation, emit in
        let p = invocation.parameters
        let timeout = Double(p.int("timeout_ms")) / 1000
        let workers = p.int("workers")
        let hangs = invocation.random.nextUnit() < p.double("hang_probability")
        let now = invocation.now
        let (busy, admitted) = invocation.state.transaction { values -> (Int, Bool) in
            let busy = SlotPool.busy(&values, size: workers, now: now)
            guard busy < workers else { return (busy, false) }
            if hangs { _ = SlotPool.acquire(&values, size: workers, now: now, hold: timeout, timeout: 0) }
            return (busy + (hangs ? 1 : 0), true)
        }
        try invocation.metrics.set(stuckWorkers.name, Double(busy))
        if !admitted {
            try invocation.metrics.increment(rejections.name)
            emit(.error(status: 503))
        } else if hangs {
            emit(.hang(seconds: timeout))
        }
    }
}
