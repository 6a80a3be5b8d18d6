/// A noisy neighbour takes most of a shared resource.
enum ResourceStarvation {
    static let hogged = MetricSpec.gauge(
        "resource_hogged_ratio", "Share of the resource taken by the noisy neighbour.", labels: ["scenario"])

    static let scenario = Scenario(
        name: "resource-starvation", category: "resources",
        summary: "A noisy neighbour takes hog_share of a shared resource (CPU, I/O) for hog_duration_seconds of every hog_period_seconds (period 0 = always); a request needing work_ms of it waits work_ms x hog/(1 - hog) more.",
        notes: LearningNotes(
            whatHappens: "Another tenant, a batch job or a backup competes for the same CPU or disk; the service has not changed, yet everything it does takes several times longer.",
            howToObserve: "resource_hogged_ratio against resource_wait_seconds: wait grows as hog/(1 - hog), so 80% hogged means 4x the work time as waiting; CPU steal time or I/O wait on the host.",
            howToMitigate: "Isolation (dedicated nodes, cgroups CPU and I/O limits, priorities), schedule batch work off-peak, quotas per tenant, move noisy work elsewhere."),
        parameters: [
            .number("hog_share", default: 0.8, min: 0, max: 0.99, help: "Share of the resource the neighbour takes."),
            .number("work_ms", default: 50, min: 0, max: 600_000, unit: "ms", help: "Resource time a request needs."),
            .number("hog_period_seconds", default: 0, min: 0, max: 86_400, unit: "s", help: "The neighbour becomes active this often (0 = always)."),
            .number("hog_duration_seconds", default: 30, min: 0, max: 86_400, unit: "s", help: "How long each active phase lasts."),
        ],
        metrics: [hogged, DomainMetrics.queueWait],
        effectKinds: [.queueWait]
    ) { invocation, emit in
        let p = invocation.parameters
        let period = p.double("hog_period_seconds")
        let hogging = period == 0 || max(0, invocation.elapsed).truncatingRemainder(dividingBy: period) < p.double("hog_duration_seconds")
        let hog = hogging ? p.double("hog_share") : 0
        try invocation.metrics.set(hogged.name, hog)
        let wait = p.double("work_ms") / 1000 * hog / (1 - hog)
        guard wait > 0 else { return }
        try invocation.metrics.observe(DomainMetrics.queueWait.name, wait)
        emit(.queueWait(seconds: wait))
    }
}
