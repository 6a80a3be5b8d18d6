/// Part of the network cannot reach the other part.
enum NetworkPartition {
    static let active = MetricSpec.gauge(
        "network_partition_active", "1 while the partition is in effect.", labels: ["scenario"])
    static let partitioned = MetricSpec.counter(
        "network_partitioned_requests_total", "Requests that had to cross the partition and failed.", labels: ["scenario"])

    static let scenario = Scenario(
        name: "network-partition", category: "network",
        summary: "From start_after_seconds for duration_seconds (0 = until disabled), requests crossing the partition (share cross_fraction) time out after connect_timeout_ms, are dropped, or fail with 503.",
        notes: LearningNotes(
            whatHappens: "Nodes on each side keep running but cannot talk: calls across hang until timeouts, leaders on the minority side must step down, and anything that assumed a reliable network may split-brain.",
            howToObserve: "network_partition_active marks the window; network_partitioned_requests_total and timeouts rise for cross-side calls only; quorum systems report lost majority.",
            howToMitigate: "Short connect timeouts, quorum-based consensus (no writes without a majority), fencing tokens, idempotent retries after healing, design for partition tolerance (CAP)."),
        parameters: [
            .number("start_after_seconds", default: 0, min: 0, max: 86_400, unit: "s", help: "Delay between enabling and the partition."),
            .number("duration_seconds", default: 0, min: 0, max: 86_400, unit: "s", help: "How long the partition lasts (0 = until disabled)."),
            .number("cross_fraction", default: 0.5, min: 0, max: 1, help: "Share of requests whose destination is on the other side."),
            .choice("behaviour", default: "timeout", choices: ["timeout", "drop", "error"], help: "What a request crossing the partition experiences."),
            .integer("connect_timeout_ms", default: 3_000, min: 0, max: 600_000, unit: "ms", help: "Time before a crossing request times out."),
        ],
        metrics: [active, partitioned],
        effectKinds: [.timeout, .drop, .error]
    ) { invocation, emit in
        let p = invocation.parameters
        let start = p.double("start_after_seconds"), duration = p.double("duration_seconds")
        let t = invocation.elapsed
        let inWindow = t >= start && (duration == 0 || t < start + duration)
        try invocation.metrics.set(active.name, inWindow ? 1 : 0)
        guard inWindow, invocation.random.nextUnit() < p.double("cross_fraction") else { return }
        try invocation.metrics.increment(partitioned.name)
        switch p.string("behaviour") {
        case "drop": emit(.drop())
        case "error": emit(.error(status: 503))
        default: emit(.timeout(seconds: Double(p.int("connect_timeout_ms")) / 1000))
        }
    }
}
