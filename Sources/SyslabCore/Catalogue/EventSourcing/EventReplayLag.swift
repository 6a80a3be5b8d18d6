/// Projections apply events slowly, so the read side falls behind the log.
enum EventReplayLag {
    static let applyDelay = MetricSpec.histogram(
        "projection_apply_delay_seconds", "Delay added to a projection applying one event.",
        labels: ["scenario"], buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5])

    static let scenario = Scenario(
        name: "event-replay-lag", category: "event-sourcing",
        summary: "Each event a projection of the order store applies takes apply_delay_ms longer, so projections fall behind the event log and reads of the read models go stale.",
        notes: LearningNotes(
            whatHappens: "Commands still succeed at full speed (they only append to the log), but the projections that serve reads cannot keep up: an order shows as placed when the log says shipped, and a rebuild by replay takes events x apply_delay_ms.",
            howToObserve: "orders_projection_lag_events and orders_projection_lag_seconds grow with every command; projection_apply_delay_seconds shows the injected cost; order queries disagree with the order's history.",
            howToMitigate: "Batch projection writes, scale projections out by partition, track lag and alert on it, show users their own writes (read-your-writes from the command side), and rebuild in the background into a new table before switching."),
        parameters: [
            .number("apply_delay_ms", default: 20, min: 0, max: 10_000, unit: "ms", help: "Extra time a projection spends on each event."),
            .choice("projection", default: "all", choices: ["all", "order_summary", "analytics"], help: "Which projection is slowed."),
        ],
        metrics: [applyDelay],
        applicability: Targeting(component: EventSourcingPoints.projection),
        effectKinds: [.delay]
    ) { invocation, emit in
        let p = invocation.parameters
        let projection = p.string("projection")
        if projection != "all", invocation.context.route != "/projections/" + projection { return }
        let seconds = p.double("apply_delay_ms") / 1000
        try invocation.metrics.observe(applyDelay.name, seconds)
        emit(.delay(seconds: seconds))
    }
}
