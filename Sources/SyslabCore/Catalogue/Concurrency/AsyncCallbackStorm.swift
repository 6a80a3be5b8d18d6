/// Each event triggers callbacks that trigger more callbacks.
enum AsyncCallbackStorm {
    static let callbacks = MetricSpec.counter(
        "async_callbacks_total", "Asynchronous callbacks scheduled.", labels: ["scenario"])
    static let perRequest = MetricSpec.histogram(
        "async_callbacks_per_request", "Callbacks one request set off.", labels: ["scenario"], buckets: CountBuckets.perRequest)

    /// Most tasks one request may spawn, so a large fanout^depth cannot run away.
    static let maximumTasks = 1_000_000.0

    static let scenario = Scenario(
        name: "async-callback-storm", category: "concurrency",
        summary: "A fraction storm_probability of requests set off `fanout` callbacks per level for `depth` levels (fanout + fanout^2 + ... tasks, at most 1e6), each costing callback_ms of worker time.",
        notes: LearningNotes(
            whatHappens: "Event handlers that emit events fan out geometrically: one request becomes hundreds of tasks that flood the event loop or worker queue, and unrelated work waits behind them.",
            howToObserve: "async_callbacks_per_request shows the amplification; async_callbacks_total rate dwarfs the request rate; event-loop lag and queue depth grow.",
            howToMitigate: "Bound fan-out, coalesce and debounce events, limit concurrency per source, break cycles (an event should not re-trigger its cause), back-pressure on the queue."),
        parameters: [
            .number("storm_probability", default: 1, min: 0, max: 1, help: "Share of requests that set off a storm."),
            .integer("fanout", default: 5, min: 0, max: 1_000, help: "Callbacks each task triggers."),
            .integer("depth", default: 2, min: 1, max: 8, help: "Levels of callbacks."),
            .number("callback_ms", default: 2, min: 0, max: 60_000, unit: "ms", help: "Worker time per callback."),
        ],
        metrics: [callbacks, perRequest],
        effectKinds: [.fanout]
    ) { invocation, emit in
        let p = invocation.parameters
        guard invocation.random.nextUnit() < p.double("storm_probability") else { return }
        let fanout = Double(p.int("fanout"))
        var level = 1.0, total = 0.0
        for _ in 0..<p.int("depth") {
            level *= fanout
            total += level
            if total >= maximumTasks { total = maximumTasks; break }
        }
        guard total > 0 else { return }
        try invocation.metrics.increment(callbacks.name, by: total)
        try invocation.metrics.observe(perRequest.name, total)
        emit(.fanout(tasks: total, secondsEach: p.double("callback_ms") / 1000))
    }
}
