/// A gateway's upstream fails and the gateway answers 502.
enum BadGateway502 {
    static let upstreamFailures = MetricSpec.counter(
        "gateway_upstream_failures_total", "Upstream failures a gateway turned into 502.", labels: ["scenario", "upstream"])

    static let scenario = Scenario(
        name: "502-bad-gateway", category: "http",
        summary: "A fraction `probability` of requests reach an upstream that answers garbage or resets the connection; after upstream_latency_ms the gateway returns 502.",
        notes: LearningNotes(
            whatHappens: "The gateway is healthy but its upstream is not (crashed, restarting, speaking the wrong protocol); users see 502 Bad Gateway, usually quickly.",
            howToObserve: "gateway_upstream_failures_total by upstream and http_injected_errors_total{status=\"502\"}; upstream logs show resets or crashes at the same time.",
            howToMitigate: "Health checks that eject bad upstreams, retries to another upstream for idempotent requests, graceful shutdown with connection draining on deploys."),
        parameters: [
            .number("probability", default: 0.1, min: 0, max: 1, help: "Chance that a request hits the failing upstream."),
            .integer("upstream_latency_ms", default: 20, min: 0, max: 600_000, unit: "ms", help: "Time until the upstream's bad answer arrives."),
            .string("upstream", default: "backend", help: "Upstream name, used as a metric label."),
        ],
        metrics: [upstreamFailures, DomainMetrics.injectedErrors],
        effectKinds: [.delay, .error]
    ) { invocation, emit in
        let p = invocation.parameters
        guard invocation.random.nextUnit() < p.double("probability") else { return }
        try invocation.metrics.increment(upstreamFailures.name, LabelValues(p.string("upstream")))
        try invocation.metrics.increment(DomainMetrics.injectedErrors.name, LabelValues("502"))
        let latency = Double(p.int("upstream_latency_ms")) / 1000
        if latency > 0 { emit(.delay(seconds: latency)) }
        emit(.error(status: 502))
    }
}
