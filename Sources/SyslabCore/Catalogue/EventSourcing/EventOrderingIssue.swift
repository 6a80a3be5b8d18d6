/// Projections receive an order's events out of order.
enum EventOrderingIssue {
    static let reordered = MetricSpec.counter(
        "projection_events_reordered_total", "Events handed to a projection after later events.", labels: ["scenario"])

    static let scenario = Scenario(
        name: "event-ordering-issue", category: "event-sourcing",
        summary: "A fraction reorder_probability of the events delivered to the order store's projections arrives after up to max_displacement later events.",
        notes: LearningNotes(
            whatHappens: "With parallel consumers or several partitions, 'shipped' can reach a read model before 'paid'. A projection that applies events blindly ends in a state the order never had (paid after shipped, revenue counted twice).",
            howToObserve: "projection_events_reordered_total counts what was delivered late; orders_projection_out_of_order_total counts the events the projections caught by version and held back; the read models still equal a rebuild from the log.",
            howToMitigate: "Keep each aggregate's events in one partition, carry the aggregate version in every event, and have projections apply version n+1 only (hold early ones, drop stale ones), in the same transaction as their position."),
        parameters: [
            .number("reorder_probability", default: 0.3, min: 0, max: 1, help: "Share of events delivered late."),
            .integer("max_displacement", default: 3, min: 1, max: 100, help: "Most later events that overtake a late one."),
        ],
        metrics: [reordered],
        applicability: Targeting(component: EventSourcingPoints.projection),
        effectKinds: [.reorder]
    ) { invocation, emit in
        let p = invocation.parameters
        guard invocation.random.nextUnit() < p.double("reorder_probability") else { return }
        let maximum = Double(p.int("max_displacement"))
        let positions = min(maximum, 1 + (invocation.random.nextUnit() * maximum).rounded(.down))
        try invocation.metrics.increment(reordered.name)
        emit(.reorder(positions: positions, holding: 0))
    }
}
