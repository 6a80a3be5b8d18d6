/// Events are processed in a different order than they happened.
enum EventOrderingViolation {
    static let outOfOrder = MetricSpec.counter(
        "events_out_of_order_total", "Events delivered after later events.", labels: ["scenario"])
    static let distance = MetricSpec.histogram(
        "event_reorder_distance", "How many later events overtook a reordered one.", labels: ["scenario"], buckets: [1, 2, 3, 5, 10, 20, 50, 100, 1000])

    static let scenario = Scenario(
        name: "event-ordering-violation", category: "concurrency",
        summary: "A fraction reorder_probability of events is held for hold_ms and delivered after 1..max_displacement later events.",
        notes: LearningNotes(
            whatHappens: "Parallel consumers, retries and multiple partitions deliver 'updated' before 'created' or an old state after a new one; consumers that apply events blindly end in the wrong state.",
            howToObserve: "events_out_of_order_total and event_reorder_distance; entities stuck in impossible states; sequence gaps in consumer logs.",
            howToMitigate: "Partition by entity key so each entity's events stay ordered, carry sequence numbers or versions and ignore stale events, make handlers idempotent and commutative."),
        parameters: [
            .number("reorder_probability", default: 0.1, min: 0, max: 1, help: "Share of events delivered late."),
            .integer("max_displacement", default: 5, min: 1, max: 1_000, help: "Most later events that overtake one."),
            .number("hold_ms", default: 100, min: 0, max: 600_000, unit: "ms", help: "How long a reordered event is held back."),
        ],
        metrics: [outOfOrder, distance],
        effectKinds: [.reorder]
    ) { invocation, emit in
        let p = invocation.parameters
        guard invocation.random.nextUnit() < p.double("reorder_probability") else { return }
        let maximum = Double(p.int("max_displacement"))
        let positions = min(maximum, 1 + (invocation.random.nextUnit() * maximum).rounded(.down))
        try invocation.metrics.increment(outOfOrder.name)
        try invocation.metrics.observe(distance.name, positions)
        emit(.reorder(positions: positions, holding: p.double("hold_ms") / 1000))
    }
}
